"""The minute's roll-up: what was counted in Redis, the raw events and the AI ledger, into
DailyStat and RouteStat rows. Every figure is written as the day's (or hour's) total, never
as an increment, and never lowered: a flush that runs twice, or two at once, counts once,
and a Redis that lost its counters cannot wipe what was already rolled up.
"""

import contextlib
import datetime
import logging
from collections import Counter, defaultdict

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from redis.exceptions import RedisError

from apps.content.ai.ledger import day_bounds, usage_rollup_rows
from apps.users.selectors import user_ids_existing

from .models import DailyStat, ErrorReport, Event, Probe, RouteStat
from .services import (
    counting_in_redis,
    counts_flush_local,
    redis_client,
    redis_key,
    today,
    visit_fields,
)

logger = logging.getLogger(__name__)
M = DailyStat.Metric
Row = tuple[int, datetime.date, str, str, int]

# A creator-day keeps its busiest referrers and campaign sources; the rest add up under
# "(other)", so made-up referrers cannot fill the table.
TOP_KEYS = 50
OTHER = "(other)"
CHUNK = 1000


def _larger() -> str:
    return "MAX" if connection.vendor == "sqlite" else "GREATEST"


# Referrers and campaign sources keep only a day's top keys: their rows are replaced as a
# whole, since a key that drops out of the top is then counted under "(other)" instead.
REPLACED = (M.REFERRERS, M.UTM)


def _upsert(rows: list[Row]) -> int:
    """Write (creator, day, metric, key, value) rows, keeping the larger value on conflict
    (REPLACED metrics: the creator-day's rows replaced by these). Rows of a creator deleted
    meanwhile are dropped."""
    if not rows:
        return 0
    with transaction.atomic():
        replaced = {
            (creator, day, metric) for creator, day, metric, _, _ in rows if metric in REPLACED
        }
        for creator, day, metric in replaced:
            DailyStat.objects.filter(creator_id=creator, day=day, metric=metric).delete()
        try:
            with transaction.atomic():
                _insert(rows)
        except IntegrityError:
            alive = user_ids_existing(user_ids={row[0] for row in rows})
            _insert([row for row in rows if row[0] in alive])
    return len(rows)


def _insert(rows: list[Row]) -> None:
    table = DailyStat._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (creator_id, day, metric, key, value) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (creator_id, metric, day, key) "
                f"DO UPDATE SET value = {_larger()}({table}.value, EXCLUDED.value)",
                [value for row in chunk for value in row],
            )


def _top(counts: Counter, limit: int = TOP_KEYS) -> dict[str, int]:
    """The `limit` largest keys, the rest summed under OTHER."""
    if len(counts) <= limit:
        return dict(counts)
    kept = dict(counts.most_common(limit - 1))
    kept[OTHER] = sum(counts.values()) - sum(kept.values())
    return kept


# Fan visits counted in Redis ----------------------------------------------------------------


def _rows_from_counters(creator_id: int, day, fields: dict, visitors: int) -> list[Row]:
    totals: dict[str, Counter] = defaultdict(Counter)
    for raw_field, raw_value in fields.items():
        field = raw_field.decode() if isinstance(raw_field, bytes) else raw_field
        value = int(raw_value)
        prefix, _, key = field.partition(":")
        metric = {
            "v": M.VIEWS,
            "c": M.CLICKS,
            "p": M.POST_VIEWS,
            "l": M.LINK_CLICKS,
            "r": M.REFERRERS,
            "u": M.UTM,
            "d": M.DEVICES,
        }.get(prefix)
        if metric:
            totals[metric][key[:100]] += value
    if visitors:
        totals[M.VISITORS][""] = visitors
    rows = []
    for metric, counts in totals.items():
        if metric in (M.REFERRERS, M.UTM):
            counts = _top(counts)
        rows.extend((creator_id, day, metric, key, value) for key, value in counts.items())
    return rows


def _redis_day(day: datetime.date) -> list[Row]:
    client = redis_client()
    if client is None:
        return []
    iso = day.isoformat()
    counted = {int(member) for member in client.smembers(redis_key("dirty", iso))}
    # A creator who deleted their account since is left out (and their counters expire).
    creator_ids = sorted(user_ids_existing(user_ids=counted)) if counted else []
    rows: list[Row] = []
    for start in range(0, len(creator_ids), 200):
        batch = creator_ids[start : start + 200]
        pipe = client.pipeline(transaction=False)
        for creator_id in batch:
            pipe.hgetall(redis_key("d", iso, creator_id))
            pipe.pfcount(redis_key("h", iso, creator_id))
        answers = pipe.execute()
        for index, creator_id in enumerate(batch):
            fields, visitors = answers[2 * index], answers[2 * index + 1]
            rows.extend(_rows_from_counters(creator_id, day, fields, visitors))
    return rows


# Raw events -----------------------------------------------------------------------------------


def _events_day(day: datetime.date) -> list[Row]:
    """Follows, sign-ups and plan changes, and fans' visits where Redis does not count them."""
    events = Event.objects.filter(created_at__range=day_bounds(day))
    rows: list[Row] = []
    # The detail splits sign-ups by role and plan changes by "old → new".
    metrics = {
        Event.Kind.FOLLOW: M.FOLLOWS,
        Event.Kind.SIGNUP: M.SIGNUPS,
        Event.Kind.PLAN_CHANGE: M.PLAN_CHANGES,
    }
    for row in (
        events.filter(kind__in=list(metrics))
        .values("creator_id", "kind", "detail")
        .annotate(n=Count("id"))
        .order_by()
    ):
        rows.append((row["creator_id"], day, metrics[row["kind"]], row["detail"], row["n"]))
    if counting_in_redis():
        return rows
    visits = events.filter(kind__in=[Event.Kind.PAGE_VIEW, Event.Kind.LINK_CLICK])
    per_creator: dict[int, dict] = defaultdict(Counter)
    visitors: dict[int, set] = defaultdict(set)
    for event in visits.values_list(
        "creator_id", "kind", "content_id", "link_id", "device", "referrer", "utm_source", "visitor"
    ).iterator():
        creator_id, kind, content_id, link_id, device, referrer, source, visitor = event
        per_creator[creator_id].update(
            visit_fields(
                kind=kind,
                device=device,
                referrer=referrer,
                source=source,
                content_id=content_id,
                link_id=link_id,
            )
        )
        if visitor:
            visitors[creator_id].add(visitor)
    for creator_id, fields in per_creator.items():
        rows.extend(_rows_from_counters(creator_id, day, fields, len(visitors[creator_id])))
    return rows


# The AI ledger --------------------------------------------------------------------------------


def _route_class(reason: str) -> str:
    """ "critical (p=0.91); long form (...)" -> "critical": the router's first reason."""
    return reason.split(";")[0].split("(")[0].strip()[:100] or "unknown"


def _ledger_day(day: datetime.date) -> list[Row]:
    totals: dict[tuple[int, str, str], int] = Counter()
    for row in usage_rollup_rows(day=day):
        creator_id, model = row["user_id"], row["model"] or "none"
        totals[(creator_id, M.AI_REQUESTS, model)] += row["requests"]
        totals[(creator_id, M.AI_COST, model)] += round((row["cost_usd"] or 0) * 1_000_000)
        totals[(creator_id, M.AI_TOKENS, model)] += row["prompt_tokens"] + row["completion_tokens"]
        totals[(creator_id, M.AI_PROMPT_TOKENS, "")] += row["prompt_tokens"]
        totals[(creator_id, M.AI_CACHED_TOKENS, "")] += row["cached_tokens"]
        totals[(creator_id, M.AI_CACHE_HITS, "")] += row["cache_hits"]
        totals[(creator_id, M.AI_FALLBACKS, "")] += row["fallbacks"]
        totals[(creator_id, M.AI_ERRORS, "")] += row["errors"]
        totals[(creator_id, M.AI_TASKS, row["task"])] += row["requests"]
        totals[(creator_id, M.AI_ROUTES, _route_class(row["route_reason"]))] += row["requests"]
    return [(creator, day, metric, key, value) for (creator, metric, key), value in totals.items()]


# Request metrics ------------------------------------------------------------------------------


def _requests_flush(client, hours: list[datetime.datetime]) -> int:
    written = 0
    for hour in hours:
        raw = client.hgetall(redis_key("req", hour.strftime("%Y%m%d%H")))
        groups: dict[str, dict] = defaultdict(lambda: {"n": 0, "e": 0, "b": {}})
        for raw_field, raw_value in raw.items():
            field = raw_field.decode() if isinstance(raw_field, bytes) else raw_field
            group, _, part = field.partition("|")
            if part in ("n", "e"):
                groups[group][part] = int(raw_value)
            elif part.startswith("b"):
                groups[group]["b"][int(part[1:])] = int(raw_value)
        for group, figures in groups.items():
            size = max(figures["b"], default=-1) + 1
            buckets = [figures["b"].get(index, 0) for index in range(size)]
            stat, created = RouteStat.objects.get_or_create(
                hour=hour,
                group=group[:20],
                defaults={"requests": figures["n"], "errors": figures["e"], "buckets": buckets},
            )
            if not created and figures["n"] > stat.requests:
                stat.requests, stat.errors, stat.buckets = figures["n"], figures["e"], buckets
                stat.save(update_fields=["requests", "errors", "buckets"])
            written += 1
    return written


# The task's body ------------------------------------------------------------------------------


# How far back a flush reaches after a pause (the beat or the workers down): the counters
# live three days in Redis, so up to three days are caught up.
CATCH_UP_DAYS = 3
LAST_FLUSH_KEY = "analytics:last_flush"


def _since_last_flush(now: datetime.datetime) -> datetime.datetime:
    """When the last flush ran (an hour ago when unknown, three days at most)."""
    earliest = now - datetime.timedelta(days=CATCH_UP_DAYS)
    try:
        last = cache.get(LAST_FLUSH_KEY)
    except RedisError:
        last = None
    if not isinstance(last, datetime.datetime):
        return now - datetime.timedelta(hours=1)
    return max(last, earliest)


def analytics_flush(days: list[datetime.date] | None = None) -> dict[str, int]:
    """Roll up what changed since the last flush: yesterday and today, and further back
    after a pause (up to three days), or exactly `days`. Returns the rows written."""
    counts_flush_local()  # this process's own queued counts first
    now = timezone.now()
    since = _since_last_flush(now)
    if days is None:
        first = min(timezone.localtime(since, timezone.get_default_timezone()).date(), today())
        first = min(first, today() - datetime.timedelta(days=1))
        days = [first + datetime.timedelta(days=n) for n in range((today() - first).days + 1)]
    hour = now.replace(minute=0, second=0, microsecond=0)
    first_hour = min(
        since.replace(minute=0, second=0, microsecond=0), hour - datetime.timedelta(hours=1)
    )
    hours = []
    while first_hour <= hour:
        hours.append(first_hour)
        first_hour += datetime.timedelta(hours=1)
    rows: list[Row] = []
    requests_written = 0
    try:
        if counting_in_redis():
            client = redis_client()
            for day in days:
                rows.extend(_redis_day(day))
            requests_written = _requests_flush(client, hours) if client else 0
    except RedisError as exc:
        logger.warning("Redis counters not rolled up this minute: %s", exc)
    for day in days:
        rows.extend(_events_day(day))
        rows.extend(_ledger_day(day))
    written = _upsert(rows)
    with contextlib.suppress(RedisError):  # the next flush covers the last hour and two days
        cache.set(LAST_FLUSH_KEY, now, timeout=None)
    return {"daily_rows": written, "route_rows": requests_written}


def raw_events_prune(*, older_than_days: int) -> int:
    """Delete raw events older than the setting, once their days are rolled up (the
    roll-up covers yesterday and today, so anything older is already in DailyStat)."""
    older_than_days = max(older_than_days, 2)
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    deleted, _ = Event.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# What the ops dashboard shows goes back 30 days; its records are kept a little longer.
OPS_RECORD_DAYS = 35


def ops_records_prune() -> int:
    cutoff = timezone.now() - datetime.timedelta(days=OPS_RECORD_DAYS)
    total = 0
    for model, field in ((Probe, "at"), (ErrorReport, "at"), (RouteStat, "hour")):
        deleted, _ = model.objects.filter(**{f"{field}__lt": cutoff}).delete()
        total += deleted
    return total
