"""Celery finds an app's tasks in its `tasks` module; the content app's live in its parts."""

from .library.tasks import publish_due
from .studio.tasks import generation_run

__all__ = ["generation_run", "publish_due"]
