from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared code, management commands (`seed_demo`, backups) and the API's idempotency
    records."""

    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import request_id  # noqa: F401 - connects the Celery signals carrying the id
