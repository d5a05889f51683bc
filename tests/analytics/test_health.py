import pytest
from django.test import override_settings

from tests.conftest import REDIS_NOWHERE

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_every_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_names_a_failing_cache_with_503(client):
    with override_settings(CACHES=REDIS_NOWHERE):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"]["detail"] == "ConnectionError"
    assert body["checks"]["database"]["ok"] is True


def test_readyz_names_a_failing_storage(client, tmp_path, settings):
    # A media folder that is a file, not a folder: every write fails.
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    broken = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker)},
        },
    }
    with override_settings(STORAGES=broken):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "storage" in response.json()["failed"]


def test_readyz_writes_to_storage_at_most_once_a_minute(client, tmp_path, settings):
    from tests.fakes.storage import CountingStorage

    counting = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.fakes.storage.CountingStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    CountingStorage.saves = 0
    with override_settings(STORAGES=counting):
        for _n in range(20):
            assert client.get("/readyz").status_code == 200
    assert CountingStorage.saves == 1
