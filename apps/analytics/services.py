"""The one recording service other apps call, and the roll-up that turns what it counted
into DailyStat rows.

A fan's page view or link click costs one pipelined Redis round trip, made after the
response is ready (by `middleware.RequestMetricsMiddleware`, together with the request's
latency): counters in a hash and a HyperLogLog of visitors per creator and day. The beat's
`analytics_flush` copies them into PostgreSQL every minute. With Redis down nothing is
counted and nothing fails. Without Redis at all (the embedded defaults) views and clicks
are kept as Event rows instead and rolled up the same way.
"""

import datetime
import hashlib
import logging
import re
import secrets
import time
from urllib.parse import urlsplit

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils import timezone
from redis.exceptions import RedisError

from apps.core.http import client_ip

from .models import Event

logger = logging.getLogger(__name__)

# The day's salt lives in Redis for the day (and an hour of slack), then expires: once it
# is gone nobody, us included, can recompute a visitor's hash (Plausible's scheme). A salt
# derived from the secret key and the date could be recomputed at any time later.
SALT_SECONDS = 25 * 60 * 60
# Counters outlive their day long enough for the last flushes after midnight.
COUNTER_SECONDS = 3 * 24 * 60 * 60
# After a Redis failure, recording pauses for a few seconds: a hung Redis costs one timeout
# per process, not one per fan.
PAUSE_SECONDS = 5.0
_paused_until = 0.0


def redis_client():
    """The default cache's Redis client, or None when the cache is not Redis."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)


def redis_key(*parts) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return ":".join([prefix, "an", *map(str, parts)])


def counting_in_redis() -> bool:
    return settings.ANALYTICS_SINK == "redis"


def today() -> datetime.date:
    return timezone.localdate()


# The visitor -------------------------------------------------------------------------------

# Each process keeps the day's salt once read, so a view costs no extra round trip for it.
_salt_memo: tuple[str, bytes] | None = None


def _daily_salt() -> bytes | None:
    """Today's random salt, made by whichever request comes first; None when Redis is down."""
    global _salt_memo
    day = today().isoformat()
    if _salt_memo and _salt_memo[0] == day:
        return _salt_memo[1]
    key = f"analytics:salt:{day}"
    try:
        cache.add(key, secrets.token_hex(32), timeout=SALT_SECONDS)
        salt = cache.get(key)
    except RedisError:
        logger.warning("no visitor salt: the cache is unavailable")
        return None
    if not salt:
        return None
    _salt_memo = (day, salt.encode())
    return _salt_memo[1]


def analytics_state_forget() -> None:
    """Forget the process's salt and any pause after a failure (tests start afresh)."""
    global _salt_memo, _paused_until
    _salt_memo, _paused_until = None, 0.0


def visitor_hash(request: HttpRequest) -> str:
    """A hash of address and browser under today's random salt: it counts unique visitors
    for one day and cannot be traced back or linked across days. "" without a salt."""
    if time.monotonic() < _paused_until:
        return ""
    salt = _daily_salt()
    if salt is None:
        return ""
    ip = client_ip(request)
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return hashlib.sha256(salt + f"{ip}|{agent}".encode()).hexdigest()[:32]


def is_bot(request: HttpRequest) -> bool:
    """Crawlers and scripts, by crawlerdetect's maintained list of user agents."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent or CrawlerDetect(user_agent=agent[:500]).isCrawler()


_TABLET = re.compile(r"iPad|Tablet|Nexus (7|9|10)|SM-T|Kindle|Silk", re.I)
_MOBILE = re.compile(r"Mobi|iPhone|iPod|Android|Windows Phone|Opera Mini", re.I)


def device_class(request: HttpRequest) -> str:
    """ "mobile", "tablet" or "desktop", from the browser's user agent."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    if _TABLET.search(agent) or ("Android" in agent and "Mobile" not in agent):
        return Event.Device.TABLET
    if _MOBILE.search(agent):
        return Event.Device.MOBILE
    return Event.Device.DESKTOP


_HOST = re.compile(r"^[a-z0-9.-]{1,100}$")
_SOURCE = re.compile(r"[^a-z0-9._-]+")


def referrer_domain(request: HttpRequest) -> str:
    """The referring site's domain ("" for none, for our own pages and for nonsense)."""
    raw = request.META.get("HTTP_REFERER", "")[:500]
    try:
        host = (urlsplit(raw).hostname or "").lower()
    except ValueError:
        return ""
    host = host.removeprefix("www.").removeprefix("m.")
    own = (urlsplit(settings.SITE_URL).hostname or "").removeprefix("www.")
    try:
        asked = request.get_host().split(":")[0].lower().removeprefix("www.")
    except DisallowedHost:
        asked = ""
    if not _HOST.match(host) or host in (own, asked):
        return ""
    return host


def utm_source(request: HttpRequest) -> str:
    """?utm_source=, reduced to a short lower-case name ("" when absent)."""
    raw = request.GET.get("utm_source", "")[:100].strip().lower()
    return _SOURCE.sub("-", raw).strip("-")[:50]


# Recording ---------------------------------------------------------------------------------


def request_pipeline_add(request: HttpRequest, operation) -> None:
    """Queue `operation(pipeline)` for the request's one Redis round trip, which the request
    middleware sends after the response is ready (at once without the middleware)."""
    pending = getattr(request, "analytics_pending", None)
    if pending is None:
        pipeline_run([operation])
    else:
        pending.append(operation)


def pipeline_run(operations) -> None:
    """Send the operations in one pipelined round trip; a Redis failure is logged, never
    raised (the fan's page is already answered)."""
    global _paused_until
    if not operations or time.monotonic() < _paused_until:
        return
    client = redis_client()
    if client is None:
        return
    try:
        pipe = client.pipeline(transaction=False)
        for operation in operations:
            operation(pipe)
        pipe.execute()
    except RedisError as exc:
        _paused_until = time.monotonic() + PAUSE_SECONDS
        logger.warning("analytics not recorded, Redis unavailable: %s", exc)


def _counter_operation(*, creator_id: int, fields: dict[str, int], visitor: str):
    day = today().isoformat()
    counters = redis_key("d", day, creator_id)
    visitors = redis_key("h", day, creator_id)
    dirty = redis_key("dirty", day)

    def operation(pipe) -> None:
        for field, amount in fields.items():
            pipe.hincrby(counters, field, amount)
        pipe.expire(counters, COUNTER_SECONDS)
        if visitor:
            pipe.pfadd(visitors, visitor)
            pipe.expire(visitors, COUNTER_SECONDS)
        pipe.sadd(dirty, creator_id)
        pipe.expire(dirty, COUNTER_SECONDS)

    return operation


def _fan_visit(
    request: HttpRequest, *, kind: str, creator_id: int, content_id=None, link_id=None
) -> None:
    if is_bot(request):
        return
    visitor, device = visitor_hash(request), device_class(request)
    referrer, source = referrer_domain(request), utm_source(request)
    if not counting_in_redis():
        event_record(
            kind=kind,
            creator_id=creator_id,
            content_id=content_id,
            link_id=link_id,
            visitor=visitor,
            device=device,
            referrer=referrer,
            utm_source=source,
        )
        return
    if kind == Event.Kind.PAGE_VIEW:
        fields = {"v": 1, f"d:{device}": 1, f"r:{referrer}": 1}
        if content_id:
            fields[f"p:{content_id}"] = 1
        if source:
            fields[f"u:{source}"] = 1
    else:
        fields = {"c": 1, f"l:{link_id}": 1}
    operation = _counter_operation(creator_id=creator_id, fields=fields, visitor=visitor)
    request_pipeline_add(request, operation)


def page_view_record(request: HttpRequest, *, creator_id: int, content_id=None) -> None:
    """A fan saw a creator's page (or one of their posts): counted off the request path."""
    if request.method != "GET":
        return
    _fan_visit(request, kind=Event.Kind.PAGE_VIEW, creator_id=creator_id, content_id=content_id)


def link_click_record(*, request: HttpRequest, creator_id: int, link_id) -> None:
    """A fan followed one of a creator's tracked links (bots are not counted)."""
    _fan_visit(request, kind=Event.Kind.LINK_CLICK, creator_id=creator_id, link_id=link_id)


def event_record(
    *,
    kind: str,
    creator_id: int,
    link_id=None,
    content_id: int | None = None,
    visitor: str = "",
    device: str = "",
    referrer: str = "",
    utm_source: str = "",
    detail: str = "",
) -> Event:
    return Event.objects.create(
        kind=kind,
        creator_id=creator_id,
        link_id=link_id,
        content_id=content_id,
        visitor=visitor,
        device=device,
        referrer=referrer,
        utm_source=utm_source,
        detail=detail[:100],
    )
