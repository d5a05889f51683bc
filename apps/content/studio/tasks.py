from celery import shared_task

from .services import generation_job_run


# The name it had before the content app was split: queued jobs keep finding it.
@shared_task(name="apps.content.tasks.generation_run", ignore_result=True)
def generation_run(job_id: str) -> None:
    """Run one studio or API generation. Idempotent: a finished job is left alone."""
    generation_job_run(job_id=job_id)
