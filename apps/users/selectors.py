from allauth.mfa.models import Authenticator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiKey, DataExport, Link, SecurityEvent, User


def link_list_for_user(*, user: User) -> QuerySet[Link]:
    return Link.objects.filter(user=user)


def link_get_for_user(*, user: User, link_id) -> Link:
    """The user's own link; 404 for anyone else's."""
    return get_object_or_404(Link, pk=link_id, user=user)


def api_key_list_for_user(*, user: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=user)


def api_key_get_for_user(*, user: User, key_id: int) -> ApiKey:
    """The user's own key; 404 for anyone else's."""
    return get_object_or_404(ApiKey, pk=key_id, user=user)


def user_has_totp(*, user: User) -> bool:
    """Whether the user set up an authenticator app (two-factor log-in)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def security_event_list_for_user(*, user: User, limit: int = 50) -> list[SecurityEvent]:
    """The newest lines of the user's own audit log."""
    return list(SecurityEvent.objects.filter(user=user).select_related("actor")[:limit])


def data_export_latest_for_user(*, user: User) -> DataExport | None:
    return DataExport.objects.filter(user=user).first()


def data_export_get_for_user(*, user: User, export_id) -> DataExport:
    """The user's own export; 404 for anyone else's."""
    return get_object_or_404(DataExport, pk=export_id, user=user)


def user_handles(*, user_ids) -> dict[int, str]:
    """Handles of these users (e-mail addresses stay out of staff dashboards)."""
    return dict(User.objects.filter(pk__in=list(user_ids)).values_list("pk", "handle"))


def staff_emails() -> list[str]:
    """Where operational alerts go: every active member of staff."""
    return list(
        User.objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def user_ids_existing(*, user_ids) -> set[int]:
    """Which of these ids are still accounts."""
    return set(User.objects.filter(pk__in=list(user_ids)).values_list("pk", flat=True))
