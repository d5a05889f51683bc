"""The one recording service other apps call, and the roll-up that turns what it counted
into DailyStat rows.

A fan's page view or link click costs no Redis round trip of its own: with the request's
latency figures (`middleware.RequestMetricsMiddleware`) it joins the process's next batch,
one script call every quarter second from a thread of the process: counters in a hash and
a HyperLogLog of visitors per creator and day. The beat's
`analytics_flush` copies them into PostgreSQL every minute. With Redis down nothing is
counted and nothing fails. Without Redis at all (the embedded defaults) views and clicks
are kept as Event rows instead and rolled up the same way.
"""

import atexit
import datetime
import functools
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from urllib.parse import urlsplit

import redis
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
_paused_client = 0
_salt_paused_until = 0.0


_clients: dict[int, redis.Redis] = {}


def redis_client() -> redis.Redis | None:
    """A client on the default cache's Redis connections, or None when the cache is not
    Redis. Made once per connection pool: Django's get_client() builds a new client object
    on every call, which costs more than the round trip itself on a cached fan page."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    pool = backend._cache._get_connection_pool(write=True)
    client = _clients.get(id(pool))
    if client is None:
        if len(_clients) > 16:  # settings changed many times (tests): forget the old ones
            _clients.clear()
        client = _clients[id(pool)] = redis.Redis(connection_pool=pool)
    return client


def redis_key(*parts) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return ":".join([prefix, "an", *map(str, parts)])


def counting_in_redis() -> bool:
    return settings.ANALYTICS_SINK == "redis"


def today() -> datetime.date:
    """Analytics' day, in the site's zone (TIME_ZONE) whatever zone the request shows dates
    in: every count, salt and roll-up of a day must agree on when it starts."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


# The visitor -------------------------------------------------------------------------------

# Each process keeps the day's salt once read, so a view costs no extra round trip for it.
_salt_memo: tuple[str, bytes] | None = None


def _daily_salt() -> bytes | None:
    """Today's random salt, made by whichever request comes first; None when Redis is down."""
    global _salt_memo, _salt_paused_until
    day = today().isoformat()
    if _salt_memo and _salt_memo[0] == day:
        return _salt_memo[1]
    key = f"analytics:salt:{day}"
    try:
        cache.add(key, secrets.token_hex(32), timeout=SALT_SECONDS)
        salt = cache.get(key)
    except RedisError:
        _salt_paused_until = time.monotonic() + PAUSE_SECONDS
        logger.warning("no visitor salt: the cache is unavailable")
        return None
    if not salt:
        return None
    _salt_memo = (day, salt.encode())
    return _salt_memo[1]


def analytics_state_forget() -> None:
    """Forget the process's salt and any pause after a failure (tests start afresh)."""
    global _salt_memo, _paused_until, _paused_client, _salt_paused_until
    _salt_memo, _paused_until, _paused_client, _salt_paused_until = None, 0.0, 0, 0.0
    _batch.take()


def visitor_hash(request: HttpRequest) -> str:
    """A hash of address and browser under today's random salt: it counts unique visitors
    for one day and cannot be traced back or linked across days. "" without a salt."""
    if time.monotonic() < _salt_paused_until:
        return ""
    salt = _daily_salt()
    if salt is None:
        return ""
    ip = client_ip(request)
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return hashlib.sha256(salt + f"{ip}|{agent}".encode()).hexdigest()[:32]


# One detector for the process: it keeps the answers for the last 1,024 user agents, and a
# fresh one per request would run its large pattern each time (0.8 ms a view). Its only
# state besides that thread-safe cache is the last match, which nothing here reads.
_crawlers = CrawlerDetect()


def is_bot(request: HttpRequest) -> bool:
    """Crawlers and scripts, by crawlerdetect's maintained list of user agents."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent or _crawlers.is_crawler(agent[:500])


_TABLET = re.compile(r"iPad|Tablet|Nexus (7|9|10)|SM-T|Kindle|Silk", re.I)
_MOBILE = re.compile(r"Mobi|iPhone|iPod|Android|Windows Phone|Opera Mini", re.I)


def device_class(request: HttpRequest) -> str:
    """ "mobile", "tablet" or "desktop", from the browser's user agent."""
    return _device_of(request.META.get("HTTP_USER_AGENT", "")[:500])


@functools.lru_cache(maxsize=1024)
def _device_of(agent: str) -> str:
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


# What requests count is sent to Redis in batches, as one script call: a list of
# (command, key, value, amount) with "H" to add to a hash field, "P" to add members to a
# HyperLogLog, "S" to add members to a set. The script also gives each key its expiry the
# first time it is written.
COUNT_SCRIPT = """
local i = 1
while i <= #ARGV do
  local kind, key, value = ARGV[i], KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2]
  if kind == "H" then
    redis.call("HINCRBY", key, value, tonumber(ARGV[i + 3]))
  elseif kind == "P" then
    redis.call("PFADD", key, value)
  else
    redis.call("SADD", key, value)
  end
  i = i + 4
end
for _, key in ipairs(KEYS) do
  if redis.call("TTL", key) == -1 then
    redis.call("EXPIRE", key, EXPIRY)
  end
end
return 0
""".replace("EXPIRY", str(COUNTER_SECONDS))

_scripts: dict[int, object] = {}

# Each process gathers its requests' counts and sends them every BATCH_SECONDS from a
# thread of its own: a fan's page costs no round trip to Redis at all, and a busy process
# sends one script call for hundreds of views. A process killed outright loses at most
# that moment's counts; one that exits normally sends them first.
BATCH_SECONDS = 0.25


class _Batch:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list[tuple[str, str, str]] = []
        self.pid = 0
        self.wake = threading.Event()

    def add(self, operations) -> None:
        with self.lock:
            if self.pid != os.getpid():  # a new process (gunicorn forks): a thread of its own
                self.pid, self.pending = os.getpid(), []
                threading.Thread(target=self._run, name="analytics-batch", daemon=True).start()
                atexit.register(self.flush)
            self.pending.extend(operations)

    def take(self) -> list[tuple[str, str, str]]:
        with self.lock:
            taken, self.pending = self.pending, []
        return taken

    def flush(self) -> None:
        counts_send(self.take())

    def _run(self) -> None:
        while True:
            self.wake.wait(BATCH_SECONDS)
            try:
                self.flush()
            except Exception:  # the counting thread must outlive any one failure
                logger.exception("analytics batch not sent")


_batch = _Batch()


def request_count(request: HttpRequest, operations: list[tuple[str, str, str]]) -> None:
    """Add to the request's counting, which the request middleware hands to the process's
    batch with its own figures (straight to the batch without the middleware)."""
    pending = getattr(request, "analytics_pending", None)
    if pending is None:
        counts_add(operations)
    else:
        pending.extend(operations)


def counts_add(operations: list[tuple[str, str, str]]) -> None:
    """Queue counts for the process's next batch (never any I/O here)."""
    if operations:
        _batch.add(operations)


def counts_flush_local() -> None:
    """Send this process's queued counts now (the roll-up does, so that what it reads is
    complete; tests rely on it)."""
    _batch.flush()


def counts_send(operations: list[tuple[str, str, str]]) -> None:
    """Send counts in one round trip, identical ones added up; a Redis failure is logged
    and the counts dropped, never raised."""
    global _paused_until, _paused_client
    client = redis_client() if operations else None
    if client is None:
        return
    if _paused_client == id(client) and time.monotonic() < _paused_until:
        return
    totals: dict[tuple[str, str, str], int] = {}
    for operation in operations:
        totals[operation] = totals.get(operation, 0) + 1
    keys: dict[str, int] = {}
    args: list[str] = []
    for (kind, key, value), amount in totals.items():
        index = keys.setdefault(key, len(keys) + 1)
        args += (kind, str(index), value, str(amount))
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(COUNT_SCRIPT)
    try:
        script(keys=list(keys), args=args)
    except RedisError as exc:
        # Paused for that Redis only: a batch that failed against another one (settings
        # changed since it was queued) must not silence the Redis in use now.
        _paused_until, _paused_client = time.monotonic() + PAUSE_SECONDS, id(client)
        logger.warning("analytics not recorded, Redis unavailable: %s", exc)


def _visit_operations(*, creator_id: int, fields: list[str], visitor: str):
    day = today().isoformat()
    counters = redis_key("d", day, creator_id)
    operations = [("H", counters, field) for field in fields]
    if visitor:
        operations.append(("P", redis_key("h", day, creator_id), visitor))
    operations.append(("S", redis_key("dirty", day), str(creator_id)))
    return operations


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
    fields = visit_fields(
        kind=kind,
        device=device,
        referrer=referrer,
        source=source,
        content_id=content_id,
        link_id=link_id,
    )
    request_count(request, _visit_operations(creator_id=creator_id, fields=fields, visitor=visitor))


def visit_fields(*, kind, device, referrer, source, content_id, link_id) -> list[str]:
    """The counter fields one visit adds one to (the roll-up reads them back by prefix):
    v views, d: device, r: referrer, p: post, u: campaign; c clicks, l: link."""
    if kind != Event.Kind.PAGE_VIEW:
        return ["c", f"l:{link_id}"]
    fields = ["v", f"d:{device}", f"r:{referrer}"]
    if content_id:
        fields.append(f"p:{content_id}")
    if source:
        fields.append(f"u:{source}")
    return fields


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
