"""Fans' pages: /@handle/, posts, tracked links, follows, the feed, sitemap and robots.
Creator pages are fast: rendered once into the cache, served with an ETag and CDN-friendly
Cache-Control (and, once cached, by `middleware.PublicPageCacheMiddleware` before the rest
of the stack)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.analytics.services import link_click_record, page_view_record
from apps.users.services import follow_create, follow_delete

from ..library.media import media_url
from . import cache, selectors
from .og_image import og_image_cached

PUBLIC_CACHE_CONTROL = "public, max-age=60, s-maxage=300, stale-while-revalidate=600"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _absolute_url(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else _absolute(url)


def _file_url(file) -> str:
    """An absolute URL for a stored file (storages like S3 already give one)."""
    if not file:
        return ""
    url = file.url
    return url if url.startswith(("http://", "https://")) else _absolute(url)


def _cached_response(request: HttpRequest, handle: str, render_page) -> HttpResponse:
    """Serve from the cache, or render, store and serve; answer 304 to a matching ETag.

    `render_page()` returns the page's HTML and what its views are counted under (the
    creator's id and the post's, if any), which the cache entry keeps for its later hits."""
    version = cache.public_cache_version(handle)
    if not version:  # the cache is down: render from the database, store nothing
        body, creator_id, content_id = render_page()
        entry = cache.public_page_entry(body.encode(), creator_id=creator_id, content_id=content_id)
        return public_response(request, entry)
    key = cache.public_page_key(
        handle=handle,
        version=version,
        path=cache.public_cache_path(request.path, request.GET.get("page")) or request.path,
        language=get_language(),
    )
    entry = cache.public_page_cached(key)
    if entry is None:
        body, creator_id, content_id = render_page()
        entry = cache.public_page_store(
            key,
            body=body.encode(),
            content_type="text/html; charset=utf-8",
            creator_id=creator_id,
            content_id=content_id,
        )
    return public_response(request, entry)


def public_response(request: HttpRequest, entry: dict) -> HttpResponse:
    """A cached page as a response: 304 when the fan's copy is current. The view is
    counted (off the request path, see apps.analytics.services.page_view_record)."""
    if entry.get("creator_id"):
        page_view_record(
            request, creator_id=entry["creator_id"], content_id=entry.get("content_id")
        )
    if request.headers.get("If-None-Match") == entry["etag"]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(entry["body"], content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response["Vary"] = "Accept-Language"
    response["Content-Language"] = get_language()
    return response


def _page_number(request: HttpRequest) -> int:
    number = cache.public_page_number(request.GET.get("page"))
    if number is None:
        raise Http404("No such page")
    return number


@require_GET
def creator_page(request: HttpRequest, handle: str) -> HttpResponse:
    if handle != handle.lower():
        return HttpResponseRedirect(reverse("public_page", args=[handle.lower()]), status=301)
    number = _page_number(request)

    def render_page() -> str:
        creator = selectors.public_creator_get(handle=handle)
        page = selectors.public_posts_page(creator=creator, number=number)
        path = reverse("public_page", args=[creator.handle])
        canonical = _absolute(path + (f"?page={number}" if number > 1 else ""))
        context = {
            "creator": creator,
            "links": selectors.public_links(creator=creator),
            "page": page,
            "posts": list(page.object_list),
            "canonical": canonical,
            "og_image": _absolute(reverse("public_og_image", args=[creator.handle])),
            "cover_url": _file_url(creator.cover),
        }
        html = render_to_string("content/public/page.html", context, request=request)
        return html, creator.pk, None

    return _cached_response(request, handle, render_page)


@require_GET
def post_page(request: HttpRequest, handle: str, slug: str) -> HttpResponse:
    if handle != handle.lower():
        return HttpResponseRedirect(reverse("public_post", args=[handle.lower(), slug]), status=301)

    def render_page() -> str:
        creator = selectors.public_creator_get(handle=handle)
        post = selectors.public_post_get(creator=creator, slug=slug)
        context = {
            "creator": creator,
            "post": post,
            "canonical": _absolute(reverse("public_post", args=[creator.handle, post.slug])),
            "og_image": _absolute(
                reverse("public_post_og_image", args=[creator.handle, post.slug])
            ),
            "post_image": _absolute_url(media_url(post.media)) if post.media else "",
        }
        html = render_to_string("content/public/post.html", context, request=request)
        return html, creator.pk, post.pk

    return _cached_response(request, handle, render_page)


@require_GET
@never_cache
def link_redirect(request: HttpRequest, handle: str, link_id) -> HttpResponse:
    """Count the click, then send the fan on. Only the creator's saved links: no open redirect."""
    creator = selectors.public_creator_get(handle=handle)
    link = selectors.public_link_get(creator=creator, link_id=link_id)
    link_click_record(request=request, creator_id=creator.pk, link_id=link.pk)
    response = HttpResponseRedirect(link.url)
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /accounts/",
        "Disallow: /dashboard/",
        "Disallow: /studio/",
        "Disallow: /content/",
        "Disallow: /settings/",
        "Disallow: /feed/",
        "Disallow: /api/",
        "Disallow: /admin/",
        "Disallow: /ops/",
        "Disallow: /*/l/",
        f"Sitemap: {_absolute('/sitemap.xml')}",
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# Open Graph images ---------------------------------------------------------------------------


@require_GET
def og_image(request: HttpRequest, handle: str, slug: str = "") -> HttpResponse:
    """The picture a shared link to the page (or to one of its posts) shows."""
    creator = selectors.public_creator_get(handle=handle)
    title, key = "", "page"
    if slug:
        post = selectors.public_post_get(creator=creator, slug=slug)
        title, key = post.title or post.body[:80], f"post:{post.pk}"
    data = og_image_cached(creator=creator, key=key, title=title)
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# Follows and feed ------------------------------------------------------------------------


# Set when someone who is not logged in asks to follow: the follow is made as soon as they
# log in or finish signing up, in this browser (see receivers.follow_after_login).
FOLLOW_AFTER_LOGIN = "follow_after_login"


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, handle: str) -> HttpResponse:
    """Follow a creator. With htmx, the page's button posts here and is swapped for the
    new state; without it, a GET shows a confirmation form. Visitors who are not logged in
    are sent to sign up (or log in), and the follow is made when they are in."""
    creator = selectors.public_creator_get(handle=handle)
    if not request.user.is_authenticated:
        request.session[FOLLOW_AFTER_LOGIN] = creator.handle
        messages.info(
            request,
            _("Sign up or log in to follow @%(handle)s: we will follow them for you.")
            % {"handle": creator.handle},
        )
        target = reverse("public_page", args=[creator.handle])
        return redirect(f"{reverse('account_signup')}?{urlencode({'next': target, 'role': 'fan'})}")
    if request.method == "POST":
        try:
            follow_create(follower=request.user, creator=creator)
        except ValidationError as exc:
            if request.htmx:
                return _follow_button(request, creator, error=" ".join(exc.messages))
            messages.error(request, " ".join(exc.messages))
            return redirect("public_page", handle=creator.handle)
        if request.htmx:
            return _follow_button(request, creator)
        messages.success(
            request,
            _("You follow @%(handle)s. New posts show up in your feed.")
            % {"handle": creator.handle},
        )
        return redirect("public_page", handle=creator.handle)
    following = selectors.follow_exists(follower=request.user, creator=creator)
    return render(
        request, "content/public/follow.html", {"creator": creator, "following": following}
    )


@require_GET
def follow_button(request: HttpRequest, handle: str) -> HttpResponse:
    """The follow button as this visitor should see it: the cached page holds a generic
    one, and htmx swaps this in (Following, Follow, or Follow through sign-up)."""
    creator = selectors.public_creator_get(handle=handle)
    return _follow_button(request, creator)


def _follow_button(request: HttpRequest, creator, *, error: str = "") -> HttpResponse:
    user = request.user
    context = {
        "creator": creator,
        "is_self": user.is_authenticated and user.pk == creator.pk,
        "following": user.is_authenticated
        and selectors.follow_exists(follower=user, creator=creator),
        "follower_count": selectors.follower_count(creator=creator),
        "error": error,
    }
    response = render(request, "content/public/_follow_button.html", context)
    response["Cache-Control"] = "private, no-store"
    patch_vary_headers(response, ("Cookie",))
    return response


@require_POST
@login_required
def unfollow(request: HttpRequest, handle: str) -> HttpResponse:
    creator = selectors.followed_creator_get(handle=handle)
    follow_delete(follower=request.user, creator=creator)
    if request.htmx:
        return _follow_button(request, creator)
    messages.success(request, _("You no longer follow @%(handle)s.") % {"handle": creator.handle})
    return redirect("feed")


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    creators = selectors.feed_creators(follower=request.user)
    page = selectors.feed_posts_page(creators=creators, number=request.GET.get("page"))
    return render(request, "content/public/feed.html", {"creators": creators, "page": page})
