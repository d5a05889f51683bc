from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "apps.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from . import receivers  # noqa: F401
        from .metrics import register_collectors
        from .privacy import register_analytics

        register_analytics()
        register_collectors()
