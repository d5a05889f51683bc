"""Idempotency-Key on the POSTs that create something."""

import pytest

from apps.content.models import ContentItem
from apps.core.models import IdempotencyRecord
from tests.api.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post(client, auth, body, key):
    return client.post(
        "/api/v1/content/",
        body,
        content_type="application/json",
        headers={**auth, "idempotency-key": key},
    )


def test_the_same_key_and_body_create_once_and_answer_the_same(client, owner, auth):
    first = _post(client, auth, {"body": "Once"}, "key-1")
    again = _post(client, auth, {"body": "Once"}, "key-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert ContentItem.objects.filter(user=owner, body="Once").count() == 1


def test_the_same_key_with_another_body_is_refused(client, owner, auth):
    assert _post(client, auth, {"body": "One"}, "key-2").status_code == 201
    other = _post(client, auth, {"body": "Two"}, "key-2")
    assert other.status_code == 422 and other.json()["status"] == 422
    assert not ContentItem.objects.filter(body="Two").exists()


def test_a_key_still_running_answers_409_and_a_failed_request_frees_its_key(client, owner, auth):
    IdempotencyRecord.objects.create(user=owner, key="key-3", fingerprint="x" * 64)
    assert _post(client, auth, {"body": "Busy"}, "key-3").status_code in (409, 422)
    bad = _post(client, auth, {"kind": "sonnet", "body": "x"}, "key-4")
    assert bad.status_code == 400
    # A 400 is an answer too: the same request replays it; a corrected body needs a new key.
    assert _post(client, auth, {"kind": "sonnet", "body": "x"}, "key-4").status_code == 400


def test_keys_belong_to_their_user(client, owner, auth):
    other = UserFactory(handle="other", tier="pro")
    assert _post(client, auth, {"body": "Mine"}, "shared").status_code == 201
    theirs = _post(client, bearer(other), {"body": "Theirs"}, "shared")
    assert theirs.status_code == 201 and theirs.json()["body"] == "Theirs"
    assert ContentItem.objects.get(body="Theirs").user == other


def test_without_a_key_each_post_creates(client, owner, auth):
    for _ in range(2):
        client.post(
            "/api/v1/content/", {"body": "Twice"}, content_type="application/json", headers=auth
        )
    assert ContentItem.objects.filter(body="Twice").count() == 2


def test_the_same_json_written_otherwise_is_the_same_request_and_abandoned_keys_free_up(
    client, owner, auth
):
    import datetime

    from django.utils import timezone

    first = client.post(
        "/api/v1/content/",
        '{"body": "Same", "title": "T"}',
        content_type="application/json",
        headers={**auth, "idempotency-key": "spaced"},
    )
    again = client.post(
        "/api/v1/content/",
        '{"title":"T","body":"Same"}',
        content_type="application/json",
        headers={**auth, "idempotency-key": "spaced"},
    )
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    stuck = IdempotencyRecord.objects.create(user=owner, key="died", fingerprint="x" * 64)
    IdempotencyRecord.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    busy = _post(client, auth, {"body": "Retry"}, "died")
    assert busy.status_code in (409, 422)
    assert _post(client, auth, {"body": "Retry"}, "died").status_code == 201
