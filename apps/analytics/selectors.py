import datetime

from .models import Event


def events_count_since(*, creator, kind: str, since: datetime.datetime) -> int:
    return Event.objects.filter(creator=creator, kind=kind, created_at__gte=since).count()
