"""A script's day through /api/v1/: content, its actions and image, links, generations,
analytics and the plan, on the same services as the pages."""

import datetime

import pytest
from django.utils import timezone

from apps.analytics.tasks import analytics_flush
from apps.content.ai.testing.azure_server import Scripted
from apps.content.models import ContentItem
from apps.users.services import link_create
from tests.analytics.conftest import PHONE
from tests.content.test_media import _png

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_content_is_listed_with_filters_search_and_cursors(client, owner, auth):
    from apps.content.library.services import content_item_create

    for number in range(5):
        content_item_create(user=owner, kind="caption", title=f"Caption {number}", body="Sun")
    page = client.get("/api/v1/content/?kind=caption&limit=2", headers=auth).json()
    assert len(page["results"]) == 2 and page["next"] and page["previous"] is None
    rest = client.get(page["next"], headers=auth).json()
    assert len(rest["results"]) == 2
    titles = {r["title"] for r in page["results"] + rest["results"]}
    assert len(titles) == 4 and all(t.startswith("Caption") for t in titles)
    found = client.get("/api/v1/content/?q=first", headers=auth).json()["results"]
    assert [r["title"] for r in found] == ["Hello"]
    today = timezone.localdate().isoformat()
    dated = client.get(f"/api/v1/content/?created_after={today}&status=draft", headers=auth)
    assert len(dated.json()["results"]) == 6
    bad = client.get("/api/v1/content/?status=gone&created_before=yesterday", headers=auth)
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"status", "created_before"}


def test_a_post_is_written_scheduled_published_and_copied(client, owner, auth):
    created = client.post(
        "/api/v1/content/", {"kind": "post", "title": "Drop", "body": "Friday"}, JSON, headers=auth
    )
    assert created.status_code == 201
    item = created.json()
    url = f"/api/v1/content/{item['id']}/"
    changed = client.patch(url, {"body": "Friday at 6"}, JSON, headers=auth).json()
    assert changed["body"] == "Friday at 6" and changed["title"] == "Drop"
    when = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
    scheduled = client.post(
        url + "schedule/",
        {"scheduled_for": when.isoformat(), "time_zone": "Europe/Paris"},
        JSON,
        headers=auth,
    ).json()
    assert scheduled["status"] == "scheduled" and scheduled["scheduled_time_zone"] == "Europe/Paris"
    past = client.post(
        url + "schedule/", {"scheduled_for": "2020-01-01T10:00:00Z"}, JSON, headers=auth
    )
    assert past.status_code == 400 and "scheduled_for" in past.json()["errors"]
    zone = client.post(
        url + "schedule/",
        {"scheduled_for": when.isoformat(), "time_zone": "Mars/Olympus"},
        JSON,
        headers=auth,
    )
    assert zone.status_code == 400 and "time_zone" in zone.json()["errors"]
    published = client.post(url + "publish/", headers=auth).json()
    assert published["status"] == "published" and published["public_url"].startswith("/@luna/p/")
    assert client.get(published["public_url"]).status_code == 200
    copy = client.post(url + "duplicate/", headers=auth)
    assert copy.status_code == 201 and copy.json()["status"] == "draft"
    assert client.post(url + "unpublish/", headers=auth).json()["status"] == "draft"
    assert client.post(url + "archive/", headers=auth).json()["status"] == "archived"
    assert client.delete(url, headers=auth).status_code == 204
    assert client.get(url, headers=auth).status_code == 404
    assert ContentItem.all_objects.get(pk=item["id"]).deleted_at is not None  # in the trash


def test_an_image_is_uploaded_described_and_removed(client, owner, auth):
    url = f"/api/v1/content/{owner.item.pk}/image/"
    uploaded = client.post(url, {"file": _png((800, 600)), "alt_text": "A beach"}, headers=auth)
    assert uploaded.status_code == 200, uploaded.content
    image = uploaded.json()["image"]
    assert image["alt_text"] == "A beach" and image["width"] == 800
    not_image = client.post(url, {"file": _png((10, 10)).__class__("x.png", b"nope")}, headers=auth)
    assert not_image.status_code == 400 and "file" in not_image.json()["errors"]
    assert client.delete(url, headers=auth).json()["image"] is None


def test_links_are_added_changed_ordered_and_removed(client, owner, auth):
    second = client.post(
        "/api/v1/links/", {"title": "Tips", "url": "https://tips.example.com/"}, JSON, headers=auth
    )
    assert second.status_code == 201
    ids = [link["id"] for link in client.get("/api/v1/links/", headers=auth).json()]
    assert ids == [str(owner.link.pk), second.json()["id"]]
    reordered = client.put("/api/v1/links/order/", {"order": ids[::-1]}, JSON, headers=auth)
    assert [link["id"] for link in reordered.json()] == ids[::-1]
    wrong = client.put("/api/v1/links/order/", {"order": ids[:1]}, JSON, headers=auth)
    assert wrong.status_code == 400
    url = f"/api/v1/links/{ids[0]}/"
    assert client.patch(url, {"title": "Shop 2"}, JSON, headers=auth).json()["title"] == "Shop 2"
    bad = client.patch(url, {"url": "javascript:alert(1)"}, JSON, headers=auth)
    assert bad.status_code == 400
    assert client.delete(url, headers=auth).status_code == 204
    assert len(client.get("/api/v1/links/", headers=auth).json()) == 1


def test_me_changes_name_and_persona(client, owner, auth):
    changed = client.patch(
        "/api/v1/me/", {"name": "Luna S.", "persona": {"tone": "playful"}}, JSON, headers=auth
    ).json()
    assert changed["name"] == "Luna S." and changed["persona"]["tone"] == "playful"
    bad = client.patch("/api/v1/me/", {"persona": {"tone": "grumpy"}}, JSON, headers=auth)
    assert bad.status_code == 400


def test_a_short_generation_answers_at_once_with_wait(client, owner, auth, azure):
    azure.script(Scripted(text="Sun's out ☀️"))
    response = client.post(
        "/api/v1/generations/?wait=true",
        {"task": "caption", "prompt": "Beach day"},
        JSON,
        headers=auth,
    )
    assert response.status_code == 201 and response.json()["result"]["text"] == "Sun's out ☀️"
    listed = client.get("/api/v1/generations/", headers=auth).json()["results"]
    assert [job["state"] for job in listed] == ["done"]
    long = client.post(
        "/api/v1/generations/?wait=true",
        {"task": "strategy", "prompt": "A month of posts"},
        JSON,
        headers=auth,
    )
    assert long.status_code == 202  # long tasks always come back as a job to poll


def test_analytics_and_the_plan_read_the_same_figures_as_the_pages(client, owner, auth):
    client.get("/@luna/", HTTP_USER_AGENT=PHONE)
    client.get(f"/@luna/l/{owner.link.pk}/", HTTP_USER_AGENT=PHONE)
    analytics_flush()
    summary = client.get("/api/v1/analytics/?days=7", headers=auth).json()
    assert summary["views"]["current"] == 1 and summary["clicks"]["current"] == 1
    assert summary["click_through_percent"] == 100.0 and len(summary["series"]) == 7
    links = client.get("/api/v1/analytics/links/", headers=auth).json()
    assert links[0]["id"] == str(owner.link.pk) and links[0]["clicks"]["current"] == 1
    assert client.get("/api/v1/analytics/posts/", headers=auth).json() == []
    assert client.get("/api/v1/analytics/?days=12", headers=auth).status_code == 400
    plan = client.get("/api/v1/subscription/", headers=auth).json()
    assert plan["plan"] == "pro" and plan["limits"]["api_access"] is True
    assert plan["usage"]["links_used"] == 1 and plan["status"] == "free"


def test_lists_make_a_bounded_number_of_queries(client, owner, auth, queries_of):
    from apps.content.library.services import content_item_create

    paths = ["/api/v1/content/", "/api/v1/links/", "/api/v1/generations/", "/api/v1/analytics/"]
    for path in paths:
        client.get(path, headers=auth)  # warm: the plan catalogue, the key's last use
    few = {path: queries_of(lambda p=path: client.get(p, headers=auth))[1] for path in paths}
    for number in range(30):
        content_item_create(user=owner, kind="post", title=f"Post {number}", body="x")
    for number in range(3):
        link_create(user=owner, title=f"L{number}", url=f"https://example.com/{number}")
    many = {path: queries_of(lambda p=path: client.get(p, headers=auth))[1] for path in paths}
    assert few == many and max(many.values()) <= 8, (few, many)
