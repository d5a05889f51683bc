from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "apps.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from apps.subscriptions.usage import register_ai_requests_counter

        from .ai.ledger import usage_requests_this_month
        from .library import receivers as _library  # noqa: F401 - files go with their account
        from .privacy import register_content
        from .public import receivers  # noqa: F401 - connects the public page cache to profile changes

        # Billing shows AI requests against the plan without importing this app.
        register_ai_requests_counter(lambda user: usage_requests_this_month(user=user))
        register_content()
