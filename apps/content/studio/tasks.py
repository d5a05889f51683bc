from celery import shared_task

from .services import generation_job_run, generation_jobs_requeue


# The name it had before the content app was split: queued jobs keep finding it.
@shared_task(name="apps.content.tasks.generation_run", ignore_result=True)
def generation_run(job_id: str) -> None:
    """Run one studio or API generation. Idempotent: a finished job is left alone."""
    generation_job_run(job_id=job_id)


@shared_task(name="apps.content.tasks.generation_requeue", ignore_result=True)
def generation_requeue() -> None:
    """Send again the jobs the broker lost or never got (every minute, from beat)."""
    generation_jobs_requeue()
