"""The library: filters, search, edit, duplicate, delete, publish and schedule."""

import datetime
import zoneinfo

import pytest
from django.utils import formats, timezone

from apps.content.library.services import (
    content_item_create,
    content_item_schedule,
    content_publish_due,
)
from apps.content.library.tasks import publish_due
from apps.content.models import ContentItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _item(user, **fields):
    defaults = {"kind": "post", "title": "", "body": "Some text"}
    return content_item_create(user=user, **{**defaults, **fields})


def test_library_lists_filters_and_searches(user_client, user, django_assert_max_num_queries):
    _item(user, title="Beach promo", kind="post")
    _item(user, title="Gym caption", kind="caption")
    archived = _item(user, title="Old beach", kind="post")
    archived.status = "archived"
    archived.save()
    for number in range(5):
        _item(user, title=f"Filler {number}")
    with django_assert_max_num_queries(5):
        html = user_client.get("/content/").content.decode()
    assert "Beach promo" in html and "Gym caption" in html
    html = user_client.get("/content/", {"kind": "caption"}).content.decode()
    assert "Gym caption" in html and "Beach promo" not in html
    html = user_client.get("/content/", {"q": "beach", "status": "archived"}).content.decode()
    assert "Old beach" in html and "Beach promo" not in html
    html = user_client.get("/content/", {"q": "nothing like this"}).content.decode()
    assert "Nothing matches these filters." in html


def test_library_shows_only_my_items(user_client):
    _item(UserFactory(), title="Someone else's")
    html = user_client.get("/content/").content.decode()
    assert "Someone else" not in html and "Your library is empty" in html


def test_create_edit_duplicate_delete(user_client, user):
    response = user_client.post(
        "/content/new/", {"kind": "post", "title": "Hello", "body": "First"}
    )
    item = ContentItem.objects.get(user=user)
    assert response["Location"] == f"/content/{item.pk}/"
    user_client.post(f"/content/{item.pk}/", {"kind": "caption", "title": "Hi", "body": "Edited"})
    item.refresh_from_db()
    assert (item.kind, item.title, item.body) == ("caption", "Hi", "Edited")
    response = user_client.post(f"/content/{item.pk}/action/", {"action": "duplicate"})
    copy = ContentItem.objects.exclude(pk=item.pk).get()
    assert response["Location"] == f"/content/{copy.pk}/"
    assert copy.title == "Copy of Hi" and copy.body == "Edited" and copy.status == "draft"
    user_client.post(f"/content/{item.pk}/action/", {"action": "delete"})
    assert list(ContentItem.objects.values_list("pk", flat=True)) == [copy.pk]


def test_delete_asks_first_and_can_be_undone(
    user_client, user, client, django_capture_on_commit_callbacks
):
    from apps.content.library.services import (
        content_item_publish,
        content_trash_purge,
    )

    item = _item(user, title="Beach day")
    with django_capture_on_commit_callbacks(execute=True):
        content_item_publish(item=item)
    page = user_client.get(f"/content/{item.pk}/").content.decode()
    assert "Delete…</summary>" in page and "Yes, delete it" in page  # a confirmation step
    public = f"/@{user.handle}/p/{item.slug}/"
    assert client.get(public).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(f"/content/{item.pk}/action/", {"action": "delete"})
    assert response["Location"] == "/content/"
    assert client.get(public).status_code == 404  # off the page at once
    library = user_client.get("/content/").content.decode()
    assert "“Beach day” is deleted." in library and f"/content/{item.pk}/restore/" in library
    assert "Beach day</a>" not in library
    assert "is deleted" not in user_client.get("/content/").content.decode()  # offered once
    assert user_client.get(f"/content/{item.pk}/").status_code == 404

    # Another creator cannot bring it back.
    other = UserFactory()
    user_client.force_login(other)
    assert user_client.post(f"/content/{item.pk}/restore/").status_code == 404
    user_client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(f"/content/{item.pk}/restore/")
    assert response["Location"] == f"/content/{item.pk}/"
    assert client.get(public).status_code == 200  # back on the page as it was

    # Deleted again and left for 30 days: purged for good.
    user_client.post(f"/content/{item.pk}/action/", {"action": "delete"})
    assert content_trash_purge() == 0
    later = timezone.now() + datetime.timedelta(days=31)
    assert content_trash_purge(now=later) == 1
    assert not ContentItem.all_objects.filter(pk=item.pk).exists()


def test_empty_text_is_refused(user_client, user):
    response = user_client.post("/content/new/", {"kind": "post", "title": "x", "body": ""})
    assert response.status_code == 400
    assert 'id="id_body_error"' in response.content.decode()


def test_publish_then_unpublish_and_archive(user_client, user):
    item = _item(user, title="Big news")
    user_client.post(f"/content/{item.pk}/action/", {"action": "publish"})
    item.refresh_from_db()
    assert item.status == "published" and item.slug == "big-news" and item.published_at
    user_client.post(f"/content/{item.pk}/action/", {"action": "draft"})
    item.refresh_from_db()
    assert item.status == "draft"
    user_client.post(f"/content/{item.pk}/action/", {"action": "archived"})
    item.refresh_from_db()
    assert item.status == "archived"


def test_slugs_are_unique_per_creator(user_client, user):
    first, second = _item(user, title="Same title"), _item(user, title="Same title")
    for item in (first, second):
        user_client.post(f"/content/{item.pk}/action/", {"action": "publish"})
    assert set(ContentItem.objects.values_list("slug", flat=True)) == {"same-title", "same-title-2"}


def test_scheduling_reads_the_time_in_the_chosen_zone(user_client, user):
    item = _item(user)
    local = (timezone.now() + datetime.timedelta(days=1)).astimezone(
        zoneinfo.ZoneInfo("Europe/Paris")
    )
    response = user_client.post(
        f"/content/{item.pk}/action/",
        {
            "action": "schedule",
            "scheduled_for": local.strftime("%Y-%m-%dT%H:%M"),
            "time_zone": "Europe/Paris",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "scheduled"
    assert item.scheduled_for == local.replace(second=0, microsecond=0)
    # Shown back in the zone it was set in, with its name, to a creator whose profile says
    # UTC; the form comes back with that zone and that local time, not UTC's.
    assert user.time_zone == "UTC"
    html = user_client.get(f"/content/{item.pk}/").content.decode()
    assert "(Europe/Paris)" in html
    assert '<option value="Europe/Paris" selected>' in html
    assert f'value="{local.strftime("%Y-%m-%dT%H:%M")}"' in html
    for url in ("/content/", "/dashboard/"):
        page = user_client.get(url).content.decode()
        assert "(Europe/Paris)" in page, url
    expected = formats.date_format(local.replace(second=0, microsecond=0), "DATETIME_FORMAT")
    assert f"{expected} <span" in html  # the local hour, not UTC's


def test_scheduling_in_the_past_is_refused(user_client, user):
    item = _item(user)
    response = user_client.post(
        f"/content/{item.pk}/action/",
        {"action": "schedule", "scheduled_for": "2020-01-01T10:00", "time_zone": "UTC"},
        follow=True,
    )
    assert "Pick a time in the future." in response.content.decode()
    item.refresh_from_db()
    assert item.status == "draft"


def test_the_beat_task_publishes_due_posts_once(user, django_capture_on_commit_callbacks):
    due = _item(user, title="Due")
    later = _item(user, title="Later")
    due_at = timezone.now() + datetime.timedelta(minutes=1)
    content_item_schedule(item=due, when=due_at)
    content_item_schedule(item=later, when=timezone.now() + datetime.timedelta(days=1))
    assert content_publish_due() == 0
    moment = timezone.now() + datetime.timedelta(minutes=2)
    assert content_publish_due(now=moment) == 1
    assert content_publish_due(now=moment) == 0  # running twice changes nothing
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == "published" and due.published_at == due_at and due.slug == "due"
    assert later.status == "scheduled"
    assert publish_due.delay().get() == 0  # the task registered for beat runs the same service


def test_nobody_touches_another_creators_items(user_client):
    theirs = _item(UserFactory(), title="Theirs")
    assert user_client.get(f"/content/{theirs.pk}/").status_code == 404
    for action in ("publish", "delete", "duplicate"):
        assert (
            user_client.post(f"/content/{theirs.pk}/action/", {"action": action}).status_code == 404
        )
    theirs.refresh_from_db()
    assert theirs.status == "draft"


def test_the_library_makes_the_same_queries_for_one_scheduled_post_or_many(
    user_client, user, queries_of
):
    from apps.content.library.services import content_item_schedule

    def schedule(count):
        for number in range(count):
            item = _item(user, title=f"Scheduled {number}")
            content_item_schedule(
                item=item, when=timezone.now() + datetime.timedelta(days=1 + number)
            )

    schedule(1)
    user_client.get("/content/")  # warm: the plans table is read once a minute
    _response, one = queries_of(lambda: user_client.get("/content/"))
    schedule(5)
    response, many = queries_of(lambda: user_client.get("/content/"))
    assert response.status_code == 200 and many == one  # each item's zone is read with it
