"""Fans' pages: /@handle/, posts, tracked links, caching, sitemap, robots, follows, feed."""

import re

import pytest
from django.utils import timezone

from apps.content.library.services import (
    content_item_create,
    content_item_edit,
    content_item_moderate,
    content_item_publish,
    content_item_set_status,
)
from apps.content.public.selectors import POSTS_PER_PAGE
from apps.users.models import Follow, User
from apps.users.services import link_create, user_suspend, user_update_profile
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
TABLET = (
    "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Safari/604.1"
)
BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)


@pytest.fixture
def creator(db):
    user = UserFactory(handle="luna", name="Luna Star", bio="Sunny days and late nights.")
    return user


def _post(creator, title, status="published", when=None):
    item = content_item_create(user=creator, kind="post", title=title, body=f"Body of {title}")
    if status == "published":
        content_item_publish(item=item, now=when)
    elif status != "draft":
        item.status = status
        item.save()
    return item


def test_the_public_page_shows_profile_links_and_published_posts(
    client, creator, django_capture_on_commit_callbacks
):
    link_create(user=creator, title="Instagram", url="https://instagram.com/luna")
    _post(creator, "Older", when=timezone.now() - timezone.timedelta(days=2))
    _post(creator, "Newer")
    _post(creator, "Secret draft", status="draft")
    _post(creator, "Secret scheduled", status="scheduled")
    response = client.get("/@luna/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Luna Star" in html and "Sunny days" in html and "Instagram" in html
    assert html.index("Newer") < html.index("Older")
    assert "Secret" not in html
    assert '<link rel="canonical" href="http://127.0.0.1:8000/@luna/">' in html
    assert 'property="og:title"' in html and 'name="twitter:card"' in html
    assert "csrfmiddlewaretoken" not in html  # cacheable for everyone


def test_fast_path_headers_cache_and_query_budget(client, creator, django_assert_max_num_queries):
    _post(creator, "Hello")
    with django_assert_max_num_queries(5):
        first = client.get("/@luna/")
    assert "public" in first["Cache-Control"] and "s-maxage" in first["Cache-Control"]
    assert first["ETag"].startswith('"')
    with django_assert_max_num_queries(0):
        cached = client.get("/@luna/")
    assert cached.content == first.content
    not_modified = client.get("/@luna/", headers={"if-none-match": first["ETag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_edits_unpublish_and_profile_changes_refresh_the_cache(
    client, creator, django_capture_on_commit_callbacks
):
    item = _post(creator, "First title")
    client.get("/@luna/")
    with django_capture_on_commit_callbacks(execute=True):
        content_item_edit(item=item, kind="post", title="Second title", body="b")
    assert "Second title" in client.get("/@luna/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        user_update_profile(user=creator, name="Luna Moon", handle="luna", bio="new bio")
    assert "Luna Moon" in client.get("/@luna/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        link_create(user=creator, title="Shop", url="https://shop.example.com")
    assert "Shop" in client.get("/@luna/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        content_item_set_status(item=item, status="draft")
    assert "Second title" not in client.get("/@luna/").content.decode()


def test_pagination_of_posts(client, creator):
    for number in range(POSTS_PER_PAGE + 2):
        _post(creator, f"Post {number:02d}", when=timezone.now() - timezone.timedelta(hours=number))
    page_one = client.get("/@luna/").content.decode()
    page_two = client.get("/@luna/", {"page": 2}).content.decode()
    assert "Post 00" in page_one and "Post 13" not in page_one
    assert "Post 13" in page_two and 'rel="prev"' in page_two
    assert client.get("/@luna/", {"page": 9}).status_code == 404
    assert client.get("/@luna/", {"page": "x"}).status_code == 404


def test_a_post_has_its_own_page(client, creator):
    post = _post(creator, "My big day")
    response = client.get(f"/@luna/p/{post.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "My big day" in html and 'property="og:type" content="article"' in html
    draft = _post(creator, "Not yet", status="draft")
    draft.slug = "not-yet"
    draft.save()
    assert client.get("/@luna/p/not-yet/").status_code == 404


@pytest.mark.parametrize("handle", ["nobody", "fanuser"])
def test_unknown_and_fan_handles_are_404(client, handle):
    UserFactory(handle="fanuser", role=User.Role.FAN)
    assert client.get(f"/@{handle}/").status_code == 404


def test_suspended_creators_disappear(client, creator, django_capture_on_commit_callbacks):
    post = _post(creator, "Visible")
    client.get("/@luna/")
    with django_capture_on_commit_callbacks(execute=True):
        user_suspend(user=creator, reason="Spam")
    assert client.get("/@luna/").status_code == 404
    assert client.get(f"/@luna/p/{post.slug}/").status_code == 404


def test_uppercase_handles_redirect_to_the_canonical_page(client, creator):
    response = client.get("/@LUNA/")
    assert response.status_code == 301 and response["Location"] == "/@luna/"


def _figures(creator) -> dict[tuple[str, str], int]:
    """The creator's rolled-up figures for today, after the minute's flush has run."""
    from apps.analytics.models import DailyStat
    from apps.analytics.tasks import analytics_flush

    analytics_flush()
    return {
        (stat.metric, stat.key): stat.value
        for stat in DailyStat.objects.filter(creator=creator, day=timezone.localdate())
    }


def test_links_are_counted_then_redirected(client, creator):
    link = link_create(user=creator, title="Shop", url="https://shop.example.com/luna")
    response = client.get(f"/@luna/l/{link.pk}/", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 302 and response["Location"] == "https://shop.example.com/luna"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    figures = _figures(creator)
    assert figures[("clicks", "")] == 1 and figures[("link_clicks", str(link.pk))] == 1
    assert figures[("visitors", "")] == 1


def test_visitors_are_hashed_under_a_random_salt_that_expires_and_bots_are_not_counted(
    client, creator, redis_url
):
    import hashlib
    import hmac

    from django.conf import settings as django_settings
    from django.core.cache import cache

    from apps.analytics.services import visitor_hash

    link = link_create(user=creator, title="Shop", url="https://shop.example.com/luna")
    for agent in (PHONE, PHONE, BROWSER, TABLET):
        client.get(f"/@luna/l/{link.pk}/", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=agent)
    figures = _figures(creator)
    # One visitor a day per address and browser: the phone twice is one visitor.
    assert figures[("clicks", "")] == 4 and figures[("visitors", "")] == 3
    # The salt is random and lives in Redis for a day at most, then nobody can recompute
    # the hashes; the old one was derived from the secret key and the date.
    day = timezone.localdate().isoformat()
    key = cache.make_and_validate_key(f"analytics:salt:{day}")
    ttl = cache._cache.get_client(key).ttl(key)
    assert 0 < ttl <= 25 * 60 * 60
    request = client.get("/").wsgi_request
    request.META.update(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=PHONE)
    old_salt = hmac.new(django_settings.SECRET_KEY.encode(), day.encode(), hashlib.sha256)
    old = hashlib.sha256(old_salt.digest() + f"198.51.100.7|{PHONE}".encode()).hexdigest()
    assert len(visitor_hash(request)) == 32 and visitor_hash(request) != old[:32]
    # Crawlers and agent-less scripts follow links too; they are not counted.
    for agent in (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "",
    ):
        response = client.get(f"/@luna/l/{link.pk}/", HTTP_USER_AGENT=agent)
        assert response.status_code == 302
    assert _figures(creator)[("clicks", "")] == 4


def test_only_the_creators_saved_links_redirect(client, creator):
    other = UserFactory(handle="other")
    their_link = link_create(user=other, title="Theirs", url="https://evil.example.com")
    assert client.get(f"/@luna/l/{their_link.pk}/").status_code == 404
    assert client.get("/@luna/l/not-a-uuid/").status_code == 404
    assert ("clicks", "") not in _figures(creator)


def test_moderation_takes_a_post_down_for_good(client, creator, django_capture_on_commit_callbacks):
    post = _post(creator, "Against the rules")
    client.get("/@luna/")
    with django_capture_on_commit_callbacks(execute=True):
        content_item_moderate(item=post, reason="Explicit content on a public page")
    assert "Against the rules" not in client.get("/@luna/").content.decode()
    post.refresh_from_db()
    assert post.moderation_reason == "Explicit content on a public page"
    with pytest.raises(Exception, match="cannot be published again"):
        content_item_publish(item=post)


def test_staff_moderate_from_the_admin_with_a_reason(client, creator, staff_user):
    post = _post(creator, "Bad post")
    client.force_login(staff_user)
    response = client.post(
        "/admin/content/contentitem/",
        {"action": "take_down", "_selected_action": [post.pk]},
    )
    assert response.status_code == 200 and "Reason" in response.content.decode()
    client.post(
        "/admin/content/contentitem/",
        {
            "action": "take_down",
            "_selected_action": [post.pk],
            "confirm": "yes",
            "reason": "Stolen photos",
        },
    )
    post.refresh_from_db()
    assert post.status == "archived" and post.moderation_reason == "Stolen photos"
    event = creator.security_events.get(kind="staff_action")
    assert (event.actor, event.detail) == (staff_user, f"Post #{post.pk} taken down: Stolen photos")
    client.post(
        "/admin/users/user/",
        {
            "action": "suspend",
            "_selected_action": [creator.pk],
            "confirm": "yes",
            "reason": "Fraud",
        },
    )
    creator.refresh_from_db()
    assert creator.is_suspended and creator.suspension_reason == "Fraud"
    # No reason, no action.
    other = UserFactory()
    client.post(
        "/admin/users/user/",
        {"action": "suspend", "_selected_action": [other.pk], "confirm": "yes", "reason": ""},
    )
    other.refresh_from_db()
    assert not other.is_suspended


def test_sitemap_and_robots(client, creator):
    post = _post(creator, "Indexed")
    _post(creator, "Hidden", status="draft")
    UserFactory(handle="gone", suspended_at=timezone.now())
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/@luna/" in sitemap and f"/@luna/p/{post.slug}/" in sitemap
    assert "hidden" not in sitemap and "/@gone/" not in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots and "Disallow: /admin/" in robots


def test_fans_follow_creators_and_read_their_feed(client, creator):
    fan = UserFactory(role=User.Role.FAN, handle=None)
    client.force_login(fan)
    assert client.get("/@luna/follow/").status_code == 200
    response = client.post("/@luna/follow/")
    assert response["Location"] == "/@luna/"
    assert Follow.objects.filter(follower=fan, creator=creator).exists()
    _post(creator, "For my followers")
    _post(UserFactory(handle="stranger"), "Not followed")
    html = client.get("/feed/").content.decode()
    assert "For my followers" in html and "Not followed" not in html
    client.post("/@luna/unfollow/")
    assert "You follow nobody yet" in client.get("/feed/").content.decode()


def test_following_needs_an_account_and_is_made_once_logged_in(client, creator):
    fan = UserFactory(role=User.Role.FAN, handle=None)
    response = client.get("/@luna/follow/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/?next=%2F%40luna%2F&role=fan"
    signup = client.get(response["Location"]).content.decode()
    assert re.search(r'value="fan"[^>]*checked', signup)  # fans need no handle
    assert "we will follow them for you" in signup
    # Already has an account: logs in instead, and the follow is made.
    response = client.post(
        "/accounts/login/?next=/%40luna/", {"login": fan.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/@luna/"
    assert Follow.objects.filter(follower=fan, creator=creator).exists()
    assert "Following" in client.get("/@luna/follow/button/").content.decode()


def test_a_new_fan_who_clicked_follow_follows_once_signed_up_and_confirmed(client, creator):
    from django.core import mail

    client.get("/@luna/follow/")
    response = client.post(
        "/accounts/signup/?next=/%40luna/",
        {
            "role": "fan",
            "email": "newfan@example.com",
            "password1": "a-long-and-unusual-passphrase-42",
            "password2": "a-long-and-unusual-passphrase-42",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+)", mail.outbox[-1].body)
    response = client.post(link.group(1))
    fan = User.objects.get(email="newfan@example.com")
    assert fan.handle is None
    assert Follow.objects.filter(follower=fan, creator=creator).exists()


def test_the_cached_page_gets_each_visitor_s_own_follow_button(client, creator):
    fan = UserFactory(role=User.Role.FAN, handle=None)
    Follow.objects.create(follower=fan, creator=creator)
    client.get("/@luna/")  # cached, the same for everyone
    page = client.get("/@luna/").content.decode()
    assert 'data-src="/@luna/follow/button/"' in page
    assert "Following" not in page
    anonymous = client.get("/@luna/follow/button/")
    assert anonymous["Cache-Control"] == "private, no-store"
    html = anonymous.content.decode()
    assert 'href="/@luna/follow/"' in html and "1 follower" in html
    client.force_login(fan)
    html = client.get("/@luna/follow/button/").content.decode()
    assert "Following" in html and 'action="/@luna/unfollow/"' in html
    # One click, in place: unfollow, then follow again.
    html = client.post("/@luna/unfollow/", headers={"HX-Request": "true"}).content.decode()
    assert 'action="/@luna/follow/"' in html and "0 followers" in html
    html = client.post("/@luna/follow/", headers={"HX-Request": "true"}).content.decode()
    assert "Following" in html and "1 follower" in html
    client.force_login(creator)
    own = client.get("/@luna/follow/button/").content.decode()
    assert "Follow</" not in own and "1 follower" in own  # no button on one's own page


def test_cached_pages_keep_the_security_headers_and_skip_the_session(client, creator):
    _post(creator, "Hello")
    client.get("/@luna/")  # render and store
    cached = client.get("/@luna/", headers={"accept-language": "en"})
    assert cached.status_code == 200
    assert "default-src 'self'" in cached["Content-Security-Policy"]
    assert cached["X-Frame-Options"] == "DENY"
    assert cached["Content-Language"] == "en"
    assert "sessionid" not in cached.cookies and "csrftoken" not in cached.cookies
    french = client.get("/@luna/", headers={"accept-language": "fr"})
    assert 'lang="fr"' in french.content.decode() and french["Content-Language"] == "fr"


def test_the_feed_makes_the_same_queries_for_one_creator_or_five(client, creator, queries_of):
    from apps.users.services import follow_create

    fan = UserFactory(role=User.Role.FAN, handle=None)
    follow_create(follower=fan, creator=creator)
    _post(creator, "First")
    client.force_login(fan)
    client.get("/feed/")  # the first request after log-in also settles the session
    _response, one = queries_of(lambda: client.get("/feed/"))
    for number in range(4):
        other = UserFactory(handle=f"creator{number}")
        follow_create(follower=fan, creator=other)
        for post in range(3):
            _post(other, f"Post {post} of {number}")
    response, five = queries_of(lambda: client.get("/feed/"))
    assert response.content.decode().count("Post ") >= 12
    assert one == five <= 8, (one, five)


def test_clicks_behind_the_balancer_count_each_visitor(client, creator, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    link = link_create(user=creator, title="Shop", url="https://shop.example.com/")
    for visitor in ("192.0.2.1", "192.0.2.2", "192.0.2.2"):
        client.get(
            f"/@luna/l/{link.pk}/",
            headers={"x-forwarded-for": f"made-up, {visitor}", "user-agent": BROWSER},
            REMOTE_ADDR="10.0.0.2",
        )
    # Two visitors, not one: the balancer's address is not the visitor's.
    assert _figures(creator)[("visitors", "")] == 2


def test_a_page_to_be_proud_of_cover_accent_share_and_open_graph_images(
    client, creator, django_capture_on_commit_callbacks
):
    import io

    from PIL import Image

    from tests.content.test_media import _png

    client.force_login(creator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/settings/profile/",
            {
                "name": "Luna",
                "handle": "luna",
                "bio": "Sun and sea",
                "accent": "teal",
                "time_zone": "UTC",
                "cover": _png((3000, 2000)),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    creator.refresh_from_db()
    assert creator.accent == "teal" and creator.cover.name.endswith(".webp")
    with creator.cover.open() as cover:
        assert Image.open(cover).size == (1500, 500)
    post = _post(creator, "Golden hour")
    client.logout()

    page = client.get("/@luna/").content.decode()
    assert 'class="public accent-teal' in page
    assert creator.cover.url in page and 'class="public-cover"' in page
    assert 'data-share="http://127.0.0.1:8000/@luna/"' in page
    assert '<meta property="og:image" content="http://127.0.0.1:8000/@luna/og.png">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page

    for url in ("/@luna/og.png", f"/@luna/p/{post.slug}/og.png"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert "public" in response["Cache-Control"]
        image = Image.open(io.BytesIO(response.content))
        assert image.size == (1200, 630)
        assert image.getpixel((5, 5)) == (15, 118, 110)  # the teal accent
    assert client.get("/@luna/p/no-such-post/og.png").status_code == 404
    assert client.get("/@nobody/og.png").status_code == 404
    post_page = client.get(f"/@luna/p/{post.slug}/").content.decode()
    assert f"/@luna/p/{post.slug}/og.png" in post_page and "data-share=" in post_page
