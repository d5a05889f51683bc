"""Generations and usage through /api/v1/ with an API key."""

import pytest

from apps.content.ai.testing.azure_server import Scripted
from apps.content.models import GenerationJob
from apps.users.models import User
from apps.users.services import api_key_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    """A creator on a plan with API access (the Free plan has none)."""
    return UserFactory(tier="pro")


@pytest.fixture
def bearer(user):
    _key, raw = api_key_create(user=user, name="script")
    return {"authorization": f"Bearer {raw}"}


def test_a_script_starts_a_generation_and_reads_the_result(
    azure, client, bearer, django_capture_on_commit_callbacks
):
    azure.script(Scripted(text="New set drops Friday 🔥"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/generations/",
            {"task": "caption", "prompt": "Teaser for Friday's drop"},
            headers=bearer,
            content_type="application/json",
        )
    assert response.status_code == 202
    job = response.json()
    assert job["state"] == "queued" and job["result"] is None
    detail = client.get(job["url"], headers=bearer)
    assert detail.status_code == 200
    body = detail.json()
    assert body["state"] == "done"
    assert body["result"]["text"] == "New set drops Friday 🔥"
    assert body["result"]["model"] == "gpt-4o-mini" and body["result"]["cache_hit"] is False


def test_bad_input_gets_400_with_the_field(client, bearer):
    response = client.post(
        "/api/v1/generations/",
        {"task": "sonnet", "prompt": "x"},
        headers=bearer,
        content_type="application/json",
    )
    assert response.status_code == 400 and "task" in response.json()["errors"]
    response = client.post(
        "/api/v1/generations/",
        {"task": "caption", "prompt": "   "},
        headers=bearer,
        content_type="application/json",
    )
    assert response.status_code == 400 and "prompt" in response.json()["errors"]
    assert not GenerationJob.objects.exists()


def test_a_used_up_plan_gets_402_with_the_upgrade_path(client, bearer, user):
    from apps.content.ai.models import UsageRecord

    UsageRecord.objects.bulk_create(
        UsageRecord(user=user, task="caption", prompt_version="v") for _n in range(1500)
    )
    response = client.post(
        "/api/v1/generations/",
        {"task": "caption", "prompt": "One more"},
        headers=bearer,
        content_type="application/json",
    )
    assert response.status_code == 402
    assert response.json()["upgrade_url"].endswith("/pricing/")


def test_jobs_are_private(client, bearer):
    other_job = GenerationJob.objects.create(user=UserFactory(), task="caption", prompt="theirs")
    assert client.get(f"/api/v1/generations/{other_job.pk}/", headers=bearer).status_code == 404


def test_usage_against_the_plan(azure, client, bearer, user):
    from apps.content.ai.service import ai_generate

    ai_generate(user=user, task="caption", prompt="One")
    response = client.get("/api/v1/usage/", headers=bearer)
    assert response.status_code == 200
    body = response.json()
    assert body["plan"] == "pro" and body["requests_limit"] == 1500 and body["requests_used"] == 1
    assert body["days"][0]["model"] == "gpt-4o-mini" and body["days"][0]["requests"] == 1


def test_fans_and_strangers_are_refused(client):
    assert client.post("/api/v1/generations/", {}).status_code == 401
    fan = UserFactory(role=User.Role.FAN, handle=None, tier="pro")
    _key, raw = api_key_create(user=fan, name="x")
    response = client.get("/api/v1/usage/", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 403


def test_every_endpoint_makes_a_bounded_number_of_queries(
    azure, client, bearer, user, queries_of, django_capture_on_commit_callbacks
):
    """The same count with one job in the ledger as with ten: nothing grows per row."""

    def post():
        return client.post(
            "/api/v1/generations/",
            {"task": "caption", "prompt": f"Teaser number {GenerationJob.objects.count()}"},
            headers=bearer,
            content_type="application/json",
        )

    def start():
        with django_capture_on_commit_callbacks(execute=True):
            return post()

    def read_all(job_url):
        counts = {}
        for url in ("/api/v1/me/", job_url, "/api/v1/usage/"):
            response, counts[url.split("/")[3]] = queries_of(
                lambda url=url: client.get(url, headers=bearer)
            )
            assert response.status_code == 200, url
        return counts

    with django_capture_on_commit_callbacks() as queued:
        created, create_queries = queries_of(post)  # the job runs later, on a worker
    assert created.status_code == 202
    for run_job in queued:
        run_job()
    few = read_all(created.json()["url"])
    for _n in range(9):
        start()
    many = read_all(created.json()["url"])
    assert few == many, (few, many)
    # The key check (its last-used stamp is written at most once a minute), then the
    # endpoint's own reads; plans come from memory.
    assert many == {"me": 2, "generations": 2, "usage": 4}  # me: the account, its persona
    assert create_queries <= 16
