from celery import shared_task

from .services import content_publish_due


@shared_task(ignore_result=True)
def publish_due() -> int:
    """Every minute from beat: publish scheduled posts whose time has come. Idempotent."""
    return content_publish_due()
