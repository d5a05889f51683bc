"""Celery finds an app's tasks in its `tasks` module; the content app's live in its parts."""

from .library.tasks import publish_due, trash_purge
from .studio.tasks import generation_requeue, generation_run

__all__ = ["generation_requeue", "generation_run", "publish_due", "trash_purge"]
