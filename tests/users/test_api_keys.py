"""API keys: created on the settings page, shown once, stored hashed, revocable."""

import re

import pytest

from apps.users.models import ApiKey, User
from apps.users.services import api_key_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _create_key(client, name="Scheduler") -> str:
    response = client.post("/settings/api-keys/", {"name": name})
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    match = re.search(
        r'id="new-key" type="text" readonly value="(hz_[^"]+)"', response.content.decode()
    )
    assert match
    return match.group(1)


def test_a_key_is_shown_once_and_stored_hashed(user_client, user):
    raw = _create_key(user_client)
    key = ApiKey.objects.get(user=user)
    assert key.name == "Scheduler"
    assert raw not in (key.digest, key.prefix) and raw.startswith(key.prefix)
    page = user_client.get("/settings/api-keys/").content.decode()
    assert raw not in page
    assert key.prefix in page and "never used" in page


def test_the_api_accepts_a_bearer_key_and_records_its_use(client, user_client, user):
    raw = _create_key(user_client)
    User.objects.filter(pk=user.pk).update(tier="pro")  # the Free plan has no API access
    response = client.get("/api/v1/me/", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    body = response.json()
    assert body.pop("persona")["tone"] == "warm"
    assert body == {
        "email": user.email,
        "name": user.name,
        "handle": user.handle,
        "role": "creator",
        "tier": "pro",
    }
    assert ApiKey.objects.get(user=user).last_used_at is not None
    assert "last used" in user_client.get("/settings/api-keys/").content.decode()


@pytest.mark.parametrize(
    "header",
    ["Bearer hz_not-a-real-key", "Bearer", "Bearer two parts", "Bearer wrongprefix", None],
)
def test_wrong_or_missing_keys_get_401(client, header):
    headers = {"authorization": header} if header else {}
    response = client.get("/api/v1/me/", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_gets_401(client, user_client, user):
    raw = _create_key(user_client)
    key = ApiKey.objects.get(user=user)
    response = user_client.post(f"/settings/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    response = client.get("/api/v1/me/", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_nobody_revokes_another_creators_key(user_client):
    other_key = ApiKey.objects.create(
        user=UserFactory(), name="theirs", prefix="hz_x", digest="0" * 64
    )
    response = user_client.post(f"/settings/api-keys/{other_key.pk}/revoke/")
    assert response.status_code == 404
    other_key.refresh_from_db()
    assert other_key.revoked_at is None


def test_a_key_needs_a_name(user_client):
    response = user_client.post("/settings/api-keys/", {"name": ""})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert not ApiKey.objects.exists()


def test_a_deactivated_users_keys_stop_working(client, user_client, user):
    raw = _create_key(user_client)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me/", headers={"authorization": f"Bearer {raw}"}).status_code == 401


def test_the_schema_documents_bearer_keys(client, user):
    client.force_login(user)
    schema = client.get("/api/schema/", headers={"accept": "application/json"}).json()
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key from Settings → API keys.",
    }
    assert "/api/v1/me/" in schema["paths"]


def test_the_keys_page_makes_the_same_queries_for_one_key_or_twenty(user_client, user, queries_of):
    api_key_create(user=user, name="first")
    user_client.get("/settings/api-keys/")  # the first request after log-in settles the session
    _response, one = queries_of(lambda: user_client.get("/settings/api-keys/"))
    for number in range(19):
        api_key_create(user=user, name=f"script {number}")
    response, twenty = queries_of(lambda: user_client.get("/settings/api-keys/"))
    html = response.content.decode()
    assert response.status_code == 200 and "first" in html and "script 18" in html
    assert one == twenty <= 6, (one, twenty)
