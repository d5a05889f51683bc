from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Installed only for its management commands (`seed_demo`); it has no models."""

    name = "apps.core"
    label = "core"
    verbose_name = "Core"
