"""Recording fans' visits and the creators' events, and the minute's roll-up."""

import datetime
import threading

import pytest
import redis
from django.test import override_settings
from django.utils import timezone

from apps.analytics.models import DailyStat, Event
from apps.analytics.rollup import raw_events_prune
from apps.analytics.tasks import analytics_flush
from apps.content.models import UsageRecord
from apps.users.models import SecurityEvent, User
from apps.users.services import follow_create, link_create
from tests.analytics.conftest import BROWSER, PHONE, figures
from tests.conftest import REDIS_NOWHERE
from tests.factories import UserFactory
from tests.users.test_signup_and_login import _signup

pytestmark = pytest.mark.django_db


def test_page_views_are_counted_on_cache_misses_and_hits_with_post_referrer_and_device(
    client, luna
):
    for _ in range(2):  # a miss (the view renders and caches), then a cached hit
        response = client.get(
            "/@luna/?utm_source=Insta Gram!",
            HTTP_USER_AGENT=PHONE,
            HTTP_REFERER="https://www.instagram.com/luna/",
            REMOTE_ADDR="203.0.113.5",
        )
        assert response.status_code == 200
    post = client.get(f"/@luna/p/{luna.post.slug}/", HTTP_USER_AGENT=BROWSER)
    assert post.status_code == 200
    # A page of our own site as referrer is no referrer; HEAD and 404s are not views.
    client.get("/@luna/", HTTP_USER_AGENT=BROWSER, HTTP_REFERER="http://testserver/feed/")
    client.head("/@luna/", HTTP_USER_AGENT=BROWSER)
    client.get("/@luna/p/nope/", HTTP_USER_AGENT=BROWSER)
    got = figures(luna)
    assert got[("views", "")] == 4
    assert got[("post_views", str(luna.post.pk))] == 1
    assert got[("referrers", "instagram.com")] == 2 and got[("referrers", "")] == 2
    assert got[("utm", "insta-gram")] == 2
    assert got[("devices", "mobile")] == 2 and got[("devices", "desktop")] == 2
    assert got[("visitors", "")] == 2  # the phone twice, and the browser (one address)
    assert not Event.objects.exists()  # counted in Redis, not as rows


def test_a_cached_fan_page_makes_no_round_trip_for_its_counting(client, luna):
    from apps.analytics.services import counts_flush_local

    client.get("/@luna/", HTTP_USER_AGENT=PHONE)  # cache the page and the day's salt
    counts_flush_local()
    calls = []
    original = redis.Redis.execute_command

    def command(self, *args, **options):
        calls.append((threading.current_thread() is threading.main_thread(), args[0]))
        return original(self, *args, **options)

    redis.Redis.execute_command = command
    try:
        for _ in range(5):
            assert client.get("/@luna/", HTTP_USER_AGENT=PHONE).status_code == 200
        # Each page is one MGET (version and page together) and nothing else: its counting
        # waits for the process's batch (sent by the batch's thread, or here at once).
        assert [name for main, name in calls if main] == ["MGET"] * 5
        counts_flush_local()
        scripts = [name for _main, name in calls if name == "EVALSHA"]
        assert 1 <= len(scripts) <= 2  # five views in one call (two if the thread woke)
    finally:
        redis.Redis.execute_command = original
    assert figures(luna)[("views", "")] == 6


def test_the_flush_is_idempotent_and_never_lowers_a_figure(client, luna):
    for _ in range(3):
        client.get("/@luna/", HTTP_USER_AGENT=PHONE)
    first = figures(luna)
    assert figures(luna) == first  # run twice: counted once
    # A Redis that lost its counters (a restart without persistence) cannot wipe the day.
    from django.core.cache import cache

    client_redis = cache._cache.get_client(write=True)
    for key in client_redis.scan_iter(match="*:an:d:*"):
        client_redis.delete(key)
    client.get("/@luna/", HTTP_USER_AGENT=PHONE)
    assert figures(luna)[("views", "")] == 3


def test_with_redis_down_the_fan_page_answers_and_the_view_is_not_counted(client, luna):
    with override_settings(CACHES=REDIS_NOWHERE):
        response = client.get("/@luna/", HTTP_USER_AGENT=PHONE)
        assert response.status_code == 200 and "Sunset" in response.content.decode()
        link = link_create(user=luna, title="Shop", url="https://shop.example.com/")
        assert client.get(f"/@luna/l/{link.pk}/", HTTP_USER_AGENT=PHONE).status_code == 302
        assert analytics_flush()["daily_rows"] == 0
    assert ("views", "") not in figures(luna)


def test_without_redis_views_are_rows_rolled_up_the_same_way(client, luna, settings):
    settings.ANALYTICS_SINK = "database"
    link = link_create(user=luna, title="Shop", url="https://shop.example.com/")
    client.get("/@luna/?utm_source=tiktok", HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.5")
    client.get(f"/@luna/p/{luna.post.slug}/", HTTP_USER_AGENT=BROWSER)
    client.get(f"/@luna/l/{link.pk}/", HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.5")
    assert Event.objects.filter(kind="page_view").count() == 2
    got = figures(luna)
    assert got[("views", "")] == 2 and got[("post_views", str(luna.post.pk))] == 1
    assert got[("clicks", "")] == 1 and got[("link_clicks", str(link.pk))] == 1
    assert got[("utm", "tiktok")] == 1 and got[("visitors", "")] == 2
    assert figures(luna) == got


def test_follows_sign_ups_plan_changes_and_generations_are_rolled_up(client, luna):
    follow_create(follower=UserFactory(role="fan", handle=None), creator=luna)
    response = _signup(client, email="new@example.com", handle="newbie")
    assert response.status_code == 302
    SecurityEvent.objects.create(user=luna, kind="plan_changed", detail="free → pro")
    for model, cost in (("gpt-4o-mini", "0.000300"), ("gpt-4o", "0.012000")):
        UsageRecord.objects.create(
            user=luna,
            task="caption",
            model=model,
            prompt_version="v1",
            prompt_tokens=1000,
            cached_tokens=600,
            completion_tokens=50,
            cost_usd=cost,
            route_reason="critical (p=0.91); long form (p=0.70, ~300 words)",
        )
    UsageRecord.objects.create(
        user=luna, task="reply", model="gpt-4o-mini", prompt_version="v1", cache_hit=True
    )
    got = figures(luna)
    assert got[("follows", "")] == 1
    assert got[("plan_changes", "free → pro")] == 1
    assert got[("ai_requests", "gpt-4o-mini")] == 2 and got[("ai_requests", "gpt-4o")] == 1
    assert got[("ai_cost", "gpt-4o")] == 12_000 and got[("ai_cost", "gpt-4o-mini")] == 300
    assert got[("ai_cached_tokens", "")] == 1200 and got[("ai_prompt_tokens", "")] == 2000
    assert got[("ai_cache_hits", "")] == 1 and got[("ai_routes", "critical")] == 2
    assert got[("ai_tasks", "caption")] == 2
    new = User.objects.get(email="new@example.com")
    assert figures(new)[("signups", "creator")] == 1


def test_made_up_referrers_cannot_fill_the_table(client, luna):
    for number in range(60):
        client.get(
            "/@luna/", HTTP_USER_AGENT=PHONE, HTTP_REFERER=f"https://site{number}.example.org/"
        )
    referrers = {k: v for (m, k), v in figures(luna).items() if m == "referrers"}
    assert len(referrers) == 50 and referrers["(other)"] == 11


def test_raw_events_are_pruned_after_the_setting_and_roll_ups_stay(luna):
    follow_create(follower=UserFactory(role="fan", handle=None), creator=luna)
    old = timezone.now() - datetime.timedelta(days=100)
    Event.objects.update(created_at=old)
    from apps.analytics.rollup import analytics_flush as flush_days

    flush_days(days=[timezone.localdate(old)])  # rolled up that day
    assert raw_events_prune(older_than_days=90) == 1
    assert not Event.objects.exists()
    assert DailyStat.objects.get(creator=luna, metric="follows").value == 1


def test_a_view_counts_on_the_sites_day_whatever_zone_the_thread_last_showed(client, luna):
    import zoneinfo

    # A signed-in user far east was served last on this thread; a cached fan page answers
    # before any middleware sets the zone.
    timezone.activate(zoneinfo.ZoneInfo("Pacific/Kiritimati"))
    client.get("/@luna/", HTTP_USER_AGENT=PHONE)
    client.get("/@luna/", HTTP_USER_AGENT=PHONE)
    timezone.activate(zoneinfo.ZoneInfo("Etc/GMT+12"))
    client.get("/@luna/", HTTP_USER_AGENT=PHONE)
    timezone.deactivate()
    got = figures(luna)
    assert got[("views", "")] == 3 and got[("visitors", "")] == 1


def test_a_flush_after_a_pause_catches_up_the_days_it_missed(client, luna):
    from django.core.cache import cache

    from apps.analytics import rollup

    client.get("/@luna/", HTTP_USER_AGENT=PHONE)
    # The beat was down for two days: the last flush is that old.
    cache.set(rollup.LAST_FLUSH_KEY, timezone.now() - datetime.timedelta(days=2), None)
    Event.objects.create(kind="follow", creator=luna)
    Event.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    analytics_flush()
    two_days_ago = timezone.localdate() - datetime.timedelta(days=2)
    assert DailyStat.objects.get(creator=luna, metric="follows", day=two_days_ago).value == 1
    assert DailyStat.objects.get(creator=luna, metric="views", day=timezone.localdate()).value == 1
