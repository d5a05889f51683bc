"""The one recording service other apps call."""

import hashlib
import logging
import re
import secrets

from crawlerdetect import CrawlerDetect
from django.core.cache import cache
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


def _daily_salt() -> bytes | None:
    """Today's random salt, made by whichever request comes first; None when Redis is down."""
    key = f"analytics:salt:{timezone.now().date().isoformat()}"
    try:
        cache.add(key, secrets.token_hex(32), timeout=SALT_SECONDS)
        salt = cache.get(key)
    except RedisError:
        logger.warning("no visitor salt: the cache is unavailable")
        return None
    return salt.encode() if salt else None


def visitor_hash(request: HttpRequest) -> str:
    """A hash of address and browser under today's random salt: it counts unique visitors
    for one day and cannot be traced back or linked across days. "" without a salt."""
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


def event_record(
    *,
    kind: str,
    creator_id: int,
    link_id=None,
    content_id: int | None = None,
    visitor: str = "",
    device: str = "",
) -> Event:
    return Event.objects.create(
        kind=kind,
        creator_id=creator_id,
        link_id=link_id,
        content_id=content_id,
        visitor=visitor,
        device=device,
    )


def link_click_record(*, request: HttpRequest, creator_id: int, link_id) -> Event | None:
    """A fan followed one of a creator's tracked links (bots are not counted)."""
    if is_bot(request):
        return None
    return event_record(
        kind=Event.Kind.LINK_CLICK,
        creator_id=creator_id,
        link_id=link_id,
        visitor=visitor_hash(request),
        device=device_class(request),
    )
