import time

from celery import shared_task
from django.conf import settings

from .health import readiness_report
from .models import Probe


@shared_task(ignore_result=False)
def health_probe() -> dict[str, bool]:
    """Run the readiness checks from a worker and keep the result for the uptime figures.
    Beat sends it every minute; run twice, it only adds a second sample."""
    started = time.perf_counter()
    checks = {name: result["ok"] for name, result in readiness_report().items()}
    failed = sorted(name for name, ok in checks.items() if not ok)
    Probe.objects.create(
        ok=not failed,
        failed=",".join(failed)[:100],
        duration_ms=round((time.perf_counter() - started) * 1000),
    )
    return checks


@shared_task
def analytics_flush() -> dict[str, int]:
    """Every minute: Redis counters, raw events and the AI ledger into the daily roll-ups.
    Idempotent (totals, never increments), so a retried or doubled run counts once."""
    from .rollup import analytics_flush as flush

    return flush()


@shared_task
def analytics_prune() -> int:
    """Daily: raw events older than ANALYTICS_RAW_EVENT_DAYS (their roll-ups stay), and
    request and probe records older than the ops dashboard shows."""
    from .rollup import ops_records_prune, raw_events_prune

    return raw_events_prune(older_than_days=settings.ANALYTICS_RAW_EVENT_DAYS) + ops_records_prune()


@shared_task
def alerts_check() -> list[str]:
    """Every minute: open or clear incidents for the staff's alert rules."""
    from .alerts import alerts_check as check

    return check()
