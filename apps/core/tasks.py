"""Sending Celery tasks without ever letting the broker hold a request hostage."""

import datetime
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
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


def enqueue_stale(queued, task, *, older_than: datetime.timedelta, limit: int) -> int:
    """Send `task(pk)` again for the rows of `queued` (rows still waiting for a worker) left
    untouched for `older_than`: their message was lost, or never sent while the broker was
    down. They are touched, so the next sweep leaves them `older_than` again. Returns how
    many were sent; each task must claim its row, so that a duplicate is harmless."""
    cutoff = timezone.now() - older_than
    ids = list(queued.filter(updated_at__lt=cutoff).values_list("pk", flat=True)[:limit])
    queued.model._default_manager.filter(pk__in=ids).update(updated_at=timezone.now())
    for pk in ids:
        enqueue(task, str(pk))
    if ids:
        logger.warning("re-sent %s %s still queued", len(ids), queued.model._meta.label)
    return len(ids)


@shared_task
def idempotency_expire() -> int:
    """Hourly: forget the API's Idempotency-Key answers older than a day."""
    from .api import idempotency_records_expire

    return idempotency_records_expire()
