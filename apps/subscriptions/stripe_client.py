"""The Stripe SDK, configured once from settings (dj-stripe uses the same keys)."""

from django.conf import settings


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_options() -> dict:
    """Keyword arguments for every SDK call: the key and the pinned API version."""
    return {"api_key": settings.STRIPE_SECRET_KEY, "stripe_version": settings.STRIPE_API_VERSION}
