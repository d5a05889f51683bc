import datetime

from django.db.models import Count

from .models import Event


def events_count_since(*, creator, kind: str, since: datetime.datetime) -> int:
    return Event.objects.filter(creator=creator, kind=kind, created_at__gte=since).count()


def link_clicks_by_link_since(*, creator, since: datetime.datetime) -> dict:
    rows = (
        Event.objects.filter(creator=creator, kind=Event.Kind.LINK_CLICK, created_at__gte=since)
        .values("link_id")
        .annotate(clicks=Count("id"))
    )
    return {row["link_id"]: row["clicks"] for row in rows}
