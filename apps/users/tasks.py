from celery import shared_task

from .services import data_export_build, data_exports_expire, data_exports_requeue


@shared_task(name="apps.users.tasks.data_export_run", ignore_result=True)
def data_export_run(export_id: str) -> None:
    """Build one data export. Idempotent: a finished export is left alone."""
    data_export_build(export_id=export_id)


@shared_task(name="apps.users.tasks.data_exports_expire", ignore_result=True)
def data_exports_expire_run() -> None:
    data_exports_expire()


@shared_task(name="apps.users.tasks.data_exports_requeue", ignore_result=True)
def data_exports_requeue_run() -> None:
    data_exports_requeue()
