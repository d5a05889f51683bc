import contextlib

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver

from apps.users.models import User
from apps.users.services import follow_create
from apps.users.signals import public_profile_changed

from .cache import public_cache_invalidate


@receiver(public_profile_changed)
def refresh_public_page(sender, *, user, handles, **kwargs) -> None:
    """A change to what fans see of a creator makes the cached public pages stale."""
    public_cache_invalidate(*handles)


@receiver(user_logged_in)
def follow_after_login(sender, *, request, user, **kwargs) -> None:
    """Someone asked to follow a creator before logging in (views.follow): now they are in,
    the follow is made, once. Also after signing up and confirming the address in the same
    browser, since allauth logs the new account in."""
    from .views import FOLLOW_AFTER_LOGIN

    session = getattr(request, "session", None)
    handle = session.pop(FOLLOW_AFTER_LOGIN, None) if session is not None else None
    if not handle:
        return
    creator = User.objects.public_creators().filter(handle=handle).first()
    if creator is None:
        return
    # No message: the page they land on (the creator's, cached for everyone) cannot show
    # one; its button says "Following".
    with contextlib.suppress(ValidationError):
        follow_create(follower=user, creator=creator)
