"""Faults, against real services: Redis stopped, the broker stopped, the AI provider down or
throttling, the database refusing connections. The site must answer what it can, refuse
what it must, lose nothing and charge nothing, and recover by itself."""

import datetime
import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.test import override_settings
from kombu import pools

from apps.content.library.services import content_item_create, content_item_publish
from apps.content.models import GenerationJob, UsageRecord
from huntaze.celery import app
from tests.conftest import IN_CI
from tests.factories import PASSWORD, UserFactory


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A Redis server of the test's own, on its own port, that the test can stop and start."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server") and not IN_CI:
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def _cache_at(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


# Redis -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_redis_down_pages_answer_log_ins_fail_closed_and_all_recovers(
    client, redis_server, django_capture_on_commit_callbacks
):
    creator = UserFactory(handle="luna")
    with django_capture_on_commit_callbacks(execute=True):
        content_item_publish(
            item=content_item_create(user=creator, kind="post", title="Sunset", body="Gold.")
        )
    with override_settings(CACHES=_cache_at(redis_server.url)):
        assert client.get("/@luna/").status_code == 200  # now cached in Redis
        redis_server.stop()

        started = time.monotonic()
        page = client.get("/@luna/")
        assert page.status_code == 200 and "Sunset" in page.content.decode()
        post = client.get(f"/@luna/p/{creator.content_items.get().slug}/")
        assert post.status_code == 200
        client.force_login(creator)
        assert client.get("/dashboard/").status_code == 200
        assert client.get("/content/").status_code == 200
        assert time.monotonic() - started < 8  # each miss gives up after a second at most

        # Log-in limits live in Redis: without it, log-ins are refused, not unlimited.
        client.logout()
        response = client.post("/accounts/login/", {"login": creator.email, "password": PASSWORD})
        assert response.status_code == 503 and "_auth_user_id" not in client.session

        redis_server.start()
        response = client.post("/accounts/login/", {"login": creator.email, "password": PASSWORD})
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(creator.pk)
        assert client.get("/@luna/").status_code == 200


# The broker --------------------------------------------------------------------------------


def _reset_broker_connections() -> None:
    """Drop the pooled broker connections, so the next send connects to the broker set now."""
    pools.reset()  # kombu's pools of connections and producers, keyed by broker
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_studio_answers_and_the_job_runs_after_recovery(
    client, redis_server
):
    creator = UserFactory(handle="luna")
    client.force_login(creator)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=redis_server.url, task_always_eager=False)
    _reset_broker_connections()
    try:
        redis_server.stop()
        started = time.monotonic()
        response = client.post("/studio/", {"task": "caption", "prompt": "Beach sunset caption"})
        elapsed = time.monotonic() - started
        assert response.status_code in (200, 302), response.content.decode()[:500]
        assert elapsed < 2, f"the studio took {elapsed:.2f} s with the broker down"
        job = GenerationJob.objects.get(user=creator)
        assert job.state == GenerationJob.State.QUEUED  # kept, not lost

        redis_server.start()
        _reset_broker_connections()
        from apps.content.studio.services import generation_jobs_requeue

        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert generation_jobs_requeue(older_than=datetime.timedelta(0)) == 1
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.finished:
                    break
                time.sleep(0.1)
        assert job.state == GenerationJob.State.DONE, job.error
        # One answer, one charge, even if the lost message turns up later.
        from apps.content.studio.services import generation_job_run

        generation_job_run(job_id=str(job.pk))
        assert UsageRecord.objects.filter(user=creator).count() == 1
    finally:
        app.conf.update(saved)
        _reset_broker_connections()


# The database ----------------------------------------------------------------------------


def _admin_connection():
    settings_dict = connection.settings_dict
    return psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.mark.django_db(transaction=True)
def test_when_the_database_goes_away_readyz_says_503_and_the_app_recovers(live_server):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    name = connection.settings_dict["NAME"]

    def get(path: str) -> tuple[int, dict]:
        # A real server thread: Django's request signals close broken connections there, as
        # under gunicorn (the test client keeps its connection whatever happens).
        try:
            url = live_server.url + path  # http://localhost:port: ours
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    assert get("/readyz")[0] == 200
    with _admin_connection() as admin:
        # What a restart looks like from here: every connection dropped, new ones refused.
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            status, body = get("/readyz")
            assert status == 503 and body["checks"]["database"]["ok"] is False
            assert get("/readyz")[0] == 503  # still down: no reconnect yet
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    # Back: the next request reconnects by itself, without a restart of the app.
    status, body = get("/readyz")
    assert status == 200 and body["checks"]["database"]["ok"] is True, body
    connection.close()  # this test's own connection was dropped too
