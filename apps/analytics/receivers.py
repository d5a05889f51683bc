"""What other apps do that analytics counts, heard through signals so that they need not
know analytics: follows (users), sign-ups (allauth), plan changes (the Stripe sync writes
them to the security log)."""

from allauth.account.signals import user_signed_up
from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.users.models import Follow, SecurityEvent

from .models import Event
from .services import event_record


@receiver(post_save, sender=Follow, dispatch_uid="analytics_follow")
def follow_counted(sender, instance: Follow, created: bool, **kwargs) -> None:
    if created:
        event_record(kind=Event.Kind.FOLLOW, creator_id=instance.creator_id)


@receiver(user_signed_up, dispatch_uid="analytics_signup")
def signup_counted(sender, request, user, **kwargs) -> None:
    event_record(kind=Event.Kind.SIGNUP, creator_id=user.pk, detail=user.role)


@receiver(post_save, sender=SecurityEvent, dispatch_uid="analytics_plan_change")
def plan_change_counted(sender, instance: SecurityEvent, created: bool, **kwargs) -> None:
    if created and instance.kind == SecurityEvent.Kind.PLAN_CHANGED:
        event_record(
            kind=Event.Kind.PLAN_CHANGE, creator_id=instance.user_id, detail=instance.detail
        )
