from celery import shared_task

from .services import content_publish_due, content_trash_purge


# The name it had before the content app was split (beat and queued jobs use it).
@shared_task(name="apps.content.tasks.publish_due", ignore_result=True)
def publish_due() -> int:
    """Every minute from beat: publish scheduled posts whose time has come. Idempotent."""
    return content_publish_due()


@shared_task(name="apps.content.tasks.trash_purge", ignore_result=True)
def trash_purge() -> int:
    """Daily from beat: delete for good what creators deleted more than 30 days ago."""
    return content_trash_purge()
