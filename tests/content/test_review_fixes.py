"""Regressions found in review: each test names the hole it keeps closed."""

import threading

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.content.ai.models import UsageRecord
from apps.content.ai.response_cache import quota_count_remember, quota_release, quota_reserve
from apps.content.ai.service import ai_generate, ai_stream
from apps.content.library.services import (
    content_item_attach_image,
    content_item_create,
    content_item_publish,
)
from apps.content.models import ContentItem, GenerationJob, Media
from apps.content.studio.services import generation_job_run

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), (1, 2, 3)).save(out, format="PNG")
    return SimpleUploadedFile("a.png", out.getvalue(), content_type="image/png")


def test_discarding_a_published_post_from_the_studio_takes_it_off_the_page(
    user_client, user, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = content_item_create(user=user, kind="post", title="Live one", body="Hello fans")
        content_item_attach_image(item=item, upload=_png())
        content_item_publish(item=item)
    media = Media.objects.get()
    assert "Live one" in client.get(f"/@{user.handle}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(f"/studio/drafts/{item.pk}/delete/")
    assert "Live one" not in client.get(f"/@{user.handle}/").content.decode()
    assert not storages["public"].exists(media.name)


def test_editing_a_published_post_from_the_studio_updates_the_page(
    user_client, user, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = content_item_create(user=user, kind="post", title="Before", body="x")
        content_item_publish(item=item)
    client.get(f"/@{user.handle}/")
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(f"/studio/drafts/{item.pk}/", {"title": "After", "body": "y"})
    assert "After" in client.get(f"/@{user.handle}/").content.decode()


def test_the_draft_form_never_redirects_off_site(user_client, user):
    item = content_item_create(user=user, kind="post", title="t", body="b")
    response = user_client.post(
        f"/studio/drafts/{item.pk}/", {"title": "t", "body": "b", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/dashboard/"


@pytest.mark.redis
def test_quota_counts_survive_requests_starting_together(redis_url):
    key = "ai:used:test-concurrency"
    cache.delete(key)
    quota_count_remember(key, 5)
    taken = []

    def take() -> None:
        taken.append(quota_reserve(key, count_from_ledger=lambda: 0, limit=10))

    threads = [threading.Thread(target=take) for _n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken.count(True) == 5 and cache.get(key) == 10
    quota_release(key)
    assert cache.get(key) == 9
    cache.delete(key)
    # Expired meanwhile: the count starts again from the ledger, not from 1.
    assert quota_reserve(key, count_from_ledger=lambda: 7, limit=10)
    assert cache.get(key) == 8
    cache.delete(key)


def test_a_chat_closed_mid_answer_is_still_recorded_and_counted(azure, user):
    from apps.content.ai.testing.azure_server import Scripted

    azure.script(Scripted(text="one two three four five six seven"))
    stream = ai_stream(user=user, prompt="Tell me a long story")
    next(stream)
    next(stream)
    stream.close()  # the browser tab was closed
    row = UsageRecord.objects.get()
    assert row.status == "ok" and "closed by the client" in row.error
    assert row.completion_tokens > 0 and row.cost_usd > 0


def test_an_unexpected_error_still_ends_the_job(user, monkeypatch):
    job = GenerationJob.objects.create(user=user, task="caption", prompt="x")

    def explode(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("apps.content.studio.services.ai_generate", explode)
    generation_job_run(job_id=str(job.pk))
    job.refresh_from_db()
    assert job.state == "failed" and "Nothing was charged" in job.error


def test_made_up_query_strings_share_one_cached_page(client, user, django_assert_max_num_queries):
    client.get(f"/@{user.handle}/")
    with django_assert_max_num_queries(0):
        assert client.get(f"/@{user.handle}/", {"utm_source": "x1"}).status_code == 200
        assert client.get(f"/@{user.handle}/", {"utm_source": "x2"}).status_code == 200


@pytest.mark.parametrize("page", ["²", "0", "99999999", "-1"])
def test_odd_page_numbers_are_404_not_500(client, user, page):
    assert client.get(f"/@{user.handle}/", {"page": page}).status_code == 404


def test_a_far_future_schedule_is_refused_clearly(user_client, user):
    item = content_item_create(user=user, kind="post", title="t", body="b")
    response = user_client.post(
        f"/content/{item.pk}/action/",
        {
            "action": "schedule",
            "scheduled_for": "9999-12-31T23:59",
            "time_zone": "America/Los_Angeles",
        },
    )
    assert response.status_code == 400
    assert "within the next two years" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "draft"


def test_staff_edits_in_the_admin_reach_the_public_page(
    client, user, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = content_item_create(user=user, kind="post", title="Typo", body="x")
        content_item_publish(item=item)
    client.get(f"/@{user.handle}/")
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/content/contentitem/{item.pk}/change/",
            {
                "user": user.pk,
                "kind": "post",
                "title": "Fixed",
                "body": "x",
                "prompt": "",
                "scheduled_for_0": "",
                "scheduled_for_1": "",
                "usage": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert "Fixed" in client.get(f"/@{user.handle}/").content.decode()
    assert ContentItem.objects.get().status == "published"


def test_offline_drafts_are_not_served_from_the_cache(user, settings):
    settings.AI_PROVIDER = "offline"
    ai_generate(user=user, task="caption", prompt="Same request")
    assert not ai_generate(user=user, task="caption", prompt="Same request").cache_hit
