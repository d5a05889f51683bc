from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "apps.subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self) -> None:
        from apps.users.limits import register_max_links

        from .plans import plan_for_tier

        register_max_links(lambda user: plan_for_tier(user.tier).max_links)
        import stripe
        from django.conf import settings

        from . import receivers, webhooks  # noqa: F401 - connect Stripe handlers and receivers
        from .privacy import register_billing

        register_billing()

        # Every call, ours and dj-stripe's, speaks the pinned API version.
        stripe.api_version = settings.STRIPE_API_VERSION
