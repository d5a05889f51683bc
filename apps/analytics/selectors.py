import datetime

from .models import Event


def events_count_since(*, creator, kind: str, since: datetime.datetime) -> int:
    return Event.objects.filter(creator=creator, kind=kind, created_at__gte=since).count()


def link_clicks_since(*, creator, since: datetime.datetime) -> int:
    """Clicks on the creator's tracked links since `since`."""
    return events_count_since(creator=creator, kind=Event.Kind.LINK_CLICK, since=since)
