"""One id per request: in the response, in every JSON log line, in the Celery tasks the
request enqueues; and one log line per request without e-mails or IP addresses."""

import io
import json
import logging

import pytest
from celery import signals as celery_signals
from celery.contrib.testing.worker import start_worker

from apps.analytics.tasks import health_probe
from apps.core.request_id import (
    JsonLogFormatter,
    RequestContextFilter,
    _request_id,
    current_request_id,
)
from huntaze.celery import app


@pytest.fixture
def json_log():
    """What the production console handler would print, for the request and Django loggers."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(RequestContextFilter())
    loggers = [logging.getLogger(name) for name in ("huntaze.request", "django.request")]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    for logger, level in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.django_db
def test_each_request_gets_an_id_and_one_json_line_without_personal_data(client, user, json_log):
    client.force_login(user)
    response = client.get("/content/?q=someone@example.com", REMOTE_ADDR="203.0.113.9")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [entry for entry in json_log() if entry["logger"] == "huntaze.request"]
    assert line["level"] == "INFO" and line["request_id"] == request_id
    assert line["user_id"] == user.pk and line["route"] == "content/"
    assert line["status"] == 200 and line["duration_ms"] > 0 and line["method"] == "GET"
    assert "time" in line
    raw = json.dumps(json_log())
    assert "someone@example.com" not in raw and user.email not in raw
    assert "203.0.113.9" not in raw


@pytest.mark.django_db
def test_a_page_served_from_the_cache_is_logged_as_such(client, json_log):
    from tests.factories import UserFactory

    UserFactory(handle="luna")
    client.get("/@luna/")
    client.get("/@luna/")
    routes = [e["route"] for e in json_log() if e["logger"] == "huntaze.request"]
    assert routes == ["@<handle:handle>/", "@<handle>/ (cached)"]


@pytest.mark.django_db
def test_the_balancer_s_id_is_kept_and_a_made_up_one_is_not(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "alb-1-5f2b7c9d"})
    assert kept["X-Request-ID"] == "alb-1-5f2b7c9d"
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>x</script>"})
    assert replaced["X-Request-ID"] != "<script>x</script>" and len(replaced["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_an_error_line_names_the_request_but_never_its_query_string(client, settings, json_log):
    client.raise_request_exception = False
    settings.ROOT_URLCONF = "tests.sentry_urls"
    response = client.get("/boom/?email=secret@example.com")
    assert response.status_code == 500
    entries = json_log()
    error = next(entry for entry in entries if entry["logger"] == "django.request")
    assert error["level"] == "ERROR" and error["request_id"] == response["X-Request-ID"]
    assert "secret@example.com" not in json.dumps(entries)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_task_carries_the_id_of_the_request_that_sent_it(redis_url):
    seen = []

    def capture(**kwargs):
        seen.append(current_request_id())

    celery_signals.task_prerun.connect(capture, weak=False)
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    token = _request_id.set("req-0123456789abcdef")
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            health_probe.delay().get(timeout=20)
    finally:
        _request_id.reset(token)
        app.conf.update(saved)
        celery_signals.task_prerun.disconnect(capture)
    assert seen == ["req-0123456789abcdef"]
