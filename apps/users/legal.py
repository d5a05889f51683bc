"""The terms of service and the privacy policy: which version is current, and the consent
each account gave to it at sign-up."""

from django.utils import timezone

from .models import User

# The date of the texts in templates/legal/. Change it with the texts: accounts keep the
# version they accepted, so a new one can be asked for.
TERMS_VERSION = "2026-11-26"


def terms_accept(*, user: User, save: bool = True) -> User:
    """Record that `user` accepted the current terms and privacy policy, now."""
    user.terms_version = TERMS_VERSION
    user.terms_accepted_at = timezone.now()
    if save:
        user.save(update_fields=["terms_version", "terms_accepted_at", "updated_at"])
    return user
