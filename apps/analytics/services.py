"""The one recording service other apps call."""

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from apps.core.http import client_ip

from .models import Event


def visitor_hash(request: HttpRequest) -> str:
    """A daily-rotating, salted hash of IP and user agent (as Plausible does): it counts
    unique visitors for one day and cannot be traced back or linked across days."""
    day = timezone.now().date().isoformat()
    salt = hmac.new(settings.SECRET_KEY.encode(), day.encode(), hashlib.sha256).digest()
    ip = client_ip(request)
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return hashlib.sha256(salt + f"{ip}|{agent}".encode()).hexdigest()[:32]


def event_record(
    *,
    kind: str,
    creator_id: int,
    link_id=None,
    content_id: int | None = None,
    visitor: str = "",
) -> Event:
    return Event.objects.create(
        kind=kind, creator_id=creator_id, link_id=link_id, content_id=content_id, visitor=visitor
    )


def link_click_record(*, request: HttpRequest, creator_id: int, link_id) -> Event:
    """A fan followed one of a creator's tracked links."""
    return event_record(
        kind=Event.Kind.LINK_CLICK,
        creator_id=creator_id,
        link_id=link_id,
        visitor=visitor_hash(request),
    )
