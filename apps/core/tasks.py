"""Sending Celery tasks without ever letting the broker hold a request hostage."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> None:
    """Send `task(*args)` once the current transaction commits.

    The row the task works on (a generation job, a data export) is saved before, in the
    queued state. If the broker cannot be reached the request still answers: the error is
    logged, the row stays queued, and the beat's `requeue` sweep sends it again once the
    broker is back (each task is safe to run twice).
    """

    def send() -> None:
        if task.app.conf.task_always_eager:
            task.apply_async(args=args)  # inline; its errors are the caller's to see
            return
        try:
            task.apply_async(args=args, retry=False)
        except (OperationalError, RedisError, OSError) as exc:
            logger.warning("broker unreachable, %s(%s) stays queued: %s", task.name, args, exc)

    transaction.on_commit(send)
