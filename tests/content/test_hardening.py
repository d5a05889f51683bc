"""Findings of the security review (issue "Privacy and security"), each reproduced first:
no 500 for odd handles or nested JSON, no Redis key kept for ever per made-up handle, no way
round a take-down."""

import pytest
from django.core.cache import cache

from apps.content.library.services import (
    content_item_create,
    content_item_moderate,
    content_item_publish,
)
from apps.content.models import ContentItem
from apps.users.models import User
from apps.users.services import api_key_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/@a%00b/",
        "/@a%00b/follow/",
        "/@a%00b/unfollow/",
        "/@a%00b/l/7a1c6a0e-6b7e-4b0f-9d3c-2f1d6b5b2a11/",
        "/@a%00b/p/some-post/",
        "/@" + "x" * 200 + "/",
    ],
)
def test_a_handle_that_cannot_exist_is_a_404_not_a_500(client, path):
    fan = UserFactory(role=User.Role.FAN, handle=None)
    client.force_login(fan)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


def test_an_upper_case_handle_still_redirects_to_its_page(client):
    UserFactory(handle="luna")
    response = client.get("/@Luna/")
    assert response.status_code == 301 and response["Location"] == "/@luna/"


def test_unknown_handles_leave_no_key_without_an_expiry(client, settings):
    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        pytest.skip("needs Redis to read the key's time to live")  # CI always has Redis
    for number in range(5):
        assert client.get(f"/@nobody{number}/").status_code == 404
    redis = cache._cache.get_client(write=True)
    keys = list(redis.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*public:v:*"))
    assert keys, "the view keys a version per handle"
    assert all(redis.ttl(key) > 0 for key in keys)


def test_deeply_nested_json_to_the_api_is_a_400(client):
    user = UserFactory(tier="pro")
    _key, raw = api_key_create(user=user, name="script")
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/api/v1/generations/",
        data=body,
        content_type="application/json",
        headers={"authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_post_taken_down_cannot_come_back_as_a_copy(client, django_capture_on_commit_callbacks):
    creator = UserFactory(handle="luna")
    item = content_item_create(user=creator, kind="post", title="Banned", body="Text")
    with django_capture_on_commit_callbacks(execute=True):
        content_item_publish(item=item)
        content_item_moderate(item=item, reason="Breaks the rules")
    client.force_login(creator)
    response = client.post(f"/content/{item.pk}/action/", {"action": "duplicate"}, follow=True)
    assert "cannot be copied" in response.content.decode()
    assert ContentItem.objects.filter(user=creator).count() == 1
