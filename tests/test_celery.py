"""A real task through the real Redis broker to a worker the test starts."""

import pytest
from celery.contrib.testing.worker import start_worker

from apps.analytics.tasks import health_probe
from huntaze.celery import app

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_celery_is_configured_from_settings():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
    assert app.conf.worker_prefetch_multiplier == 1


def test_task_round_trips_through_redis(redis_url):
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = health_probe.delay()
            outcome = result.get(timeout=20)
        assert result.status == "SUCCESS"
        assert outcome["database"] is True
        assert outcome["cache"] is True
    finally:
        app.conf.update(saved)


def test_a_studio_generation_runs_on_a_real_worker(redis_url, user):
    import time

    from apps.content.models import GenerationJob
    from apps.content.studio.services import generation_job_create

    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            job = generation_job_create(user=user, task="caption", prompt="Caption for a worker")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.finished:
                    break
                time.sleep(0.1)
        assert job.state == GenerationJob.State.DONE, job.error
        assert job.item.body.startswith("[Offline draft")
    finally:
        app.conf.update(saved)
