from django.dispatch import receiver

from apps.users.signals import public_profile_changed

from .cache import public_cache_invalidate


@receiver(public_profile_changed)
def refresh_public_page(sender, *, user, handles, **kwargs) -> None:
    """A change to what fans see of a creator makes the cached public pages stale."""
    public_cache_invalidate(*handles)
