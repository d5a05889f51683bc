from django.dispatch import receiver

from apps.users.services import AccountDeletionRefused
from apps.users.signals import user_deleting

from .services import BillingError, billing_cancel_all


@receiver(user_deleting)
def cancel_subscriptions(sender, *, user, **kwargs) -> None:
    """An account is deleted only once Stripe has stopped billing it."""
    try:
        billing_cancel_all(user=user)
    except BillingError as exc:
        raise AccountDeletionRefused(str(exc)) from exc
