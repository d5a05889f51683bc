"""Readiness probes: can this process reach everything it depends on?

Each check returns quickly (short timeouts) and never raises; the report says what failed.
"""

import logging
import time
import uuid
from collections.abc import Callable
from typing import TypedDict

from django.conf import settings
from django.core.cache import cache, caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)


class CheckResult(TypedDict):
    ok: bool
    ms: float
    detail: str


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _check_cache() -> str:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("value written to the cache could not be read back")
    cache.delete(key)
    return type(caches["default"]).__name__


def _check_broker() -> str:
    from huntaze.celery import app

    if app.conf.task_always_eager:
        return "eager (tasks run inline, no broker)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return conn.transport.driver_name


# /readyz answers anyone (load balancers call it), so its write to storage is done at most
# once a minute per process and the outcome reused: a flood of probes cannot become a flood
# of writes to S3.
STORAGE_CHECK_SECONDS = 60
_storage_checked: dict = {}


def _check_storage() -> str:
    now = time.monotonic()
    if _storage_checked and now - _storage_checked["at"] < STORAGE_CHECK_SECONDS:
        if _storage_checked["error"] is not None:
            raise _storage_checked["error"]
        return _storage_checked["detail"]
    try:
        detail, error = _write_round_trip(), None
    except Exception as exc:  # noqa: BLE001 - kept, raised again for readiness_report
        detail, error = "", exc
    _storage_checked.update(at=now, detail=detail, error=error)
    if error is not None:
        raise error
    return detail


def _write_round_trip() -> str:
    # A real round trip: the storage must accept a write, not just answer a listing.
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        if not default_storage.exists(name):
            raise RuntimeError("file written to storage is not there")
    finally:
        default_storage.delete(name)
    return default_storage.__class__.__name__


def storage_check_forget() -> None:
    """Check storage afresh on the next call (after a configuration change, and in tests)."""
    _storage_checked.clear()


CHECKS: dict[str, Callable[[], str]] = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "storage": _check_storage,
}


def readiness_report() -> dict[str, CheckResult]:
    """Run every check; each result says whether it passed, how long it took, and why not."""
    results: dict[str, CheckResult] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as exc:  # a probe reports every failure, whatever it is
            logger.warning("readiness check %s failed", name, exc_info=True)
            # The class name tells ops where to look; the message may name internal hosts.
            detail, ok = exc.__class__.__name__, False
            if settings.DEBUG:
                detail = f"{detail}: {exc}"[:300]
        results[name] = {
            "ok": ok,
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "detail": detail,
        }
    return results
