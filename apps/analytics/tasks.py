from celery import shared_task

from .health import readiness_report


@shared_task(ignore_result=False)
def health_probe() -> dict[str, bool]:
    """Run the readiness checks from a worker. Read-only, so safe to run twice (acks_late)."""
    return {name: result["ok"] for name, result in readiness_report().items()}
