from celery import shared_task

from .services import content_publish_due


# The name it had before the content app was split (beat and queued jobs use it).
@shared_task(name="apps.content.tasks.publish_due", ignore_result=True)
def publish_due() -> int:
    """Every minute from beat: publish scheduled posts whose time has come. Idempotent."""
    return content_publish_due()
