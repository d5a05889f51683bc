"""One error format everywhere under /api/: RFC 9457 problem details."""

import pytest

from apps.users.models import ApiKey, User
from tests.api.conftest import bearer
from tests.conftest import REDIS_NOWHERE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _is_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


def test_errors_are_problems_for_every_status(client, owner, auth):
    _is_problem(client.get("/api/v1/me/"), 401)
    _is_problem(client.get("/api/v1/nothing-here/", headers=auth), 404)
    _is_problem(client.get("/api/v1/content/999999/", headers=auth), 404)
    _is_problem(client.put("/api/v1/me/", headers=auth), 405)
    unsupported = client.post(
        "/api/v1/content/", "kind=post", content_type="text/plain", headers=auth
    )
    _is_problem(unsupported, 415)
    invalid = client.post(
        "/api/v1/content/", {"kind": "sonnet"}, content_type="application/json", headers=auth
    )
    body = _is_problem(invalid, 400)
    assert set(body["errors"]) == {"kind", "body"}
    broken = client.post(
        "/api/v1/content/", "{not json", content_type="application/json", headers=auth
    )
    _is_problem(broken, 400)


def test_a_plan_without_api_access_says_where_to_upgrade(client, owner, auth):
    User.objects.filter(pk=owner.pk).update(tier="free")
    body = _is_problem(client.get("/api/v1/content/", headers=auth), 403)
    assert body["upgrade_url"].endswith("/pricing/") and "API access" in body["detail"]


def test_a_read_only_key_reads_and_never_writes(client, owner):
    read_only = bearer(owner, ApiKey.Scope.READ)
    assert client.get("/api/v1/content/", headers=read_only).status_code == 200
    body = _is_problem(
        client.post(
            "/api/v1/content/",
            {"body": "x"},
            content_type="application/json",
            headers=read_only,
        ),
        403,
    )
    assert "read-only" in body["detail"]
    _is_problem(client.delete(f"/api/v1/content/{owner.item.pk}/", headers=read_only), 403)
    assert owner.content_items.count() == 1


def test_throttling_answers_429_with_retry_after_and_rate_limit_headers(
    client, owner, auth, settings
):
    settings.API_RATES = {**settings.API_RATES, "pro": "3/min"}
    answers = [client.get("/api/v1/me/", headers=auth) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0]["RateLimit-Limit"] == "3" and answers[0]["RateLimit-Remaining"] == "2"
    assert answers[2]["RateLimit-Remaining"] == "0"
    throttled = _is_problem(answers[3], 429)
    assert int(answers[3]["Retry-After"]) > 0 and "throttled" in throttled["detail"].lower()
    # Per account: another key of the same user shares the allowance (making keys does
    # not multiply it); another account has its own.
    assert client.get("/api/v1/me/", headers=bearer(owner)).status_code == 429
    other = UserFactory(handle="other", tier="pro")
    assert client.get("/api/v1/me/", headers=bearer(other)).status_code == 200


def test_with_redis_down_the_api_serves_unthrottled(client, owner, auth, settings):
    settings.CACHES = REDIS_NOWHERE
    response = client.get("/api/v1/me/", headers=auth)
    assert response.status_code == 200 and "RateLimit-Limit" not in response


def test_odd_input_is_a_clear_400_or_413_never_a_500(client, owner, auth, settings):
    assert client.get("/api/v1/content/?q=%00", headers=auth).status_code == 200
    far = client.post(
        f"/api/v1/content/{owner.item.pk}/schedule/",
        {"scheduled_for": "9999-12-31T23:00:00Z", "time_zone": "Pacific/Kiritimati"},
        content_type="application/json",
        headers=auth,
    )
    _is_problem(far, 400)
    _is_problem(client.get("/api/v1/content/?cursor=made-up", headers=auth), 400)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = client.post(
        "/api/v1/content/", {"body": "x" * 5000}, content_type="application/json", headers=auth
    )
    _is_problem(big, 413)
    browser = client.get("/api/v1/me/", headers={**auth, "accept": "text/html,*/*;q=0.8"})
    assert browser["Content-Type"].startswith("application/json")
    _is_problem(client.get("/api/v1/me/", headers={**auth, "accept": "text/html"}), 406)


def test_a_browser_session_writes_only_with_its_csrf_token(owner):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    assert browser.get("/api/v1/content/").status_code == 200  # reads need no token
    refused = browser.post("/api/v1/content/", {"body": "x"}, content_type="application/json")
    assert "CSRF" in _is_problem(refused, 403)["detail"]
    browser.get("/settings/api-keys/")  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/content/",
        {"body": "From the browser"},
        content_type="application/json",
        headers={"x-csrftoken": token},
    )
    assert accepted.status_code == 201 and accepted.json()["body"] == "From the browser"
