from celery import shared_task

from .services import generation_job_run


@shared_task(ignore_result=True)
def generation_run(job_id: str) -> None:
    """Run one studio or API generation. Idempotent: a finished job is left alone."""
    generation_job_run(job_id=job_id)
