"""What the staff's ops dashboard reads: uptime from the beat's probes, latency and errors
per route group, AI cost and routing from the daily roll-ups, revenue from dj-stripe, and
each creator's margin this month. A fixed number of queries, whatever the traffic."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from apps.content.ai.ledger import month_start
from apps.subscriptions.selectors import (
    plan_price_cents_by_user,
    revenue_summary,
    webhook_failures_since,
)
from apps.users.selectors import user_handles

from .middleware import LATENCY_BUCKETS_MS
from .models import AlertIncident, DailyStat, ErrorReport, Probe, RouteStat
from .services import today

M = DailyStat.Metric
# Probes further apart than this belong to different incidents.
INCIDENT_GAP = datetime.timedelta(minutes=3)


@dataclass(frozen=True)
class Uptime:
    label: str
    ok: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.ok / self.total, 2) if self.total else None


def uptime_windows(now: datetime.datetime | None = None) -> list[Uptime]:
    now = now or timezone.now()
    midnight = timezone.localtime(now, timezone.get_default_timezone()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    windows = {
        "today": midnight,
        "7d": now - datetime.timedelta(days=7),
        "30d": now - datetime.timedelta(days=30),
    }
    counts = Probe.objects.filter(at__gte=windows["30d"]).aggregate(
        **{
            f"{name}_{kind}": Count(
                "id", filter=Q(at__gte=since, **({"ok": True} if kind == "ok" else {}))
            )
            for name, since in windows.items()
            for kind in ("ok", "all")
        }
    )
    return [Uptime(name, counts[f"{name}_ok"], counts[f"{name}_all"]) for name in windows]


def probe_incidents(*, since: datetime.datetime, limit: int = 10) -> list[dict]:
    """Runs of failed probes, newest first: when, how long, and what failed."""
    # The newest failures when there are very many (a long outage): those matter most.
    failures = list(
        Probe.objects.filter(at__gte=since, ok=False).order_by("-at").values("at", "failed")[:5000]
    )
    failures.reverse()
    incidents: list[dict] = []
    for probe in failures:
        if incidents and probe["at"] - incidents[-1]["end"] <= INCIDENT_GAP:
            incidents[-1]["end"] = probe["at"]
            incidents[-1]["probes"] += 1
            incidents[-1]["failed"].update(filter(None, probe["failed"].split(",")))
        else:
            incidents.append(
                {
                    "start": probe["at"],
                    "end": probe["at"],
                    "probes": 1,
                    "failed": set(filter(None, probe["failed"].split(","))),
                }
            )
    for incident in incidents:
        length = (incident["end"] - incident["start"]).total_seconds()
        incident["minutes"] = max(1, round(length / 60) + 1)
        incident["failed"] = ", ".join(sorted(incident["failed"]))
    return list(reversed(incidents))[:limit]


def percentile_ms(buckets: list[int], q: float) -> int | None:
    """The upper bound of the bucket holding the q-th quantile (None when no requests;
    above the last bound, twice the last bound as a floor)."""
    total = sum(buckets)
    if not total:
        return None
    rank, running = q * total, 0
    for index, count in enumerate(buckets):
        running += count
        if running >= rank:
            if index < len(LATENCY_BUCKETS_MS):
                return LATENCY_BUCKETS_MS[index]
            break
    return LATENCY_BUCKETS_MS[-1] * 2


def buckets_add(into: list[int], buckets: list[int]) -> None:
    """Add one latency histogram to another (the longer one sets the length)."""
    into.extend([0] * (len(buckets) - len(into)))
    for index, count in enumerate(buckets):
        into[index] += count


def route_latency(*, since: datetime.datetime) -> list[dict]:
    """Per route group since `since`: requests, error rate and p50/p95/p99 (ms)."""
    groups: dict[str, dict] = defaultdict(lambda: {"requests": 0, "errors": 0, "buckets": []})
    for stat in RouteStat.objects.filter(hour__gte=since).values(
        "group", "requests", "errors", "buckets"
    ):
        figures = groups[stat["group"]]
        figures["requests"] += stat["requests"]
        figures["errors"] += stat["errors"]
        buckets_add(figures["buckets"], stat["buckets"])
    rows = []
    for group, figures in sorted(groups.items(), key=lambda kv: -kv[1]["requests"]):
        requests = figures["requests"]
        rows.append(
            {
                "group": group,
                "requests": requests,
                "errors": figures["errors"],
                "error_rate": round(100 * figures["errors"] / requests, 2) if requests else 0,
                "p50": percentile_ms(figures["buckets"], 0.50),
                "p95": percentile_ms(figures["buckets"], 0.95),
                "p99": percentile_ms(figures["buckets"], 0.99),
            }
        )
    return rows


def recent_errors(limit: int = 20) -> list[ErrorReport]:
    return list(ErrorReport.objects.order_by("-at")[:limit])


def ai_summary(*, since: datetime.date) -> dict:
    """AI cost per day and model, routing shares, cache hit rates, fallbacks, failures and
    sign-ups per day, from the daily roll-ups. Two queries."""
    daily_cost: dict[datetime.date, dict[str, float]] = defaultdict(dict)
    signups: dict[datetime.date, int] = defaultdict(int)
    for day, metric, key, value in (
        DailyStat.objects.filter(day__gte=since, metric__in=[M.AI_COST, M.SIGNUPS])
        .values("day", "metric", "key")
        .annotate(value=Sum("value"))
        .order_by("day")
        .values_list("day", "metric", "key", "value")
    ):
        if metric == M.AI_COST:
            daily_cost[day][key] = daily_cost[day].get(key, 0) + value / 1_000_000
        else:
            signups[day] += value
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    for metric, key, value in (
        DailyStat.objects.filter(
            day__gte=since,
            metric__in=[
                M.AI_REQUESTS,
                M.AI_ROUTES,
                M.AI_CACHE_HITS,
                M.AI_PROMPT_TOKENS,
                M.AI_CACHED_TOKENS,
                M.AI_FALLBACKS,
                M.AI_ERRORS,
                M.AI_COST,
            ],
        )
        .values("metric", "key")
        .annotate(value=Sum("value"))
        .order_by()
        .values_list("metric", "key", "value")
    ):
        totals[metric][key] = value
    requests = sum(totals[M.AI_REQUESTS].values())
    prompt_tokens = sum(totals[M.AI_PROMPT_TOKENS].values())
    models = sorted(totals[M.AI_REQUESTS])
    days = [since + datetime.timedelta(days=n) for n in range((today() - since).days + 1)]
    return {
        "models": models,
        "cost_rows": [
            {
                "day": day,
                "costs": [daily_cost[day].get(model, 0) for model in models],
                "total": sum(daily_cost[day].values()),
                "signups": signups[day],
            }
            for day in reversed(days)
        ],
        "cost_total": sum(totals[M.AI_COST].values()) / 1_000_000,
        "requests": requests,
        "routes": [
            (reason, count, round(100 * count / requests, 1) if requests else 0)
            for reason, count in sorted(totals[M.AI_ROUTES].items(), key=lambda kv: -kv[1])
        ],
        "by_model": [
            (model, totals[M.AI_REQUESTS][model], totals[M.AI_COST].get(model, 0) / 1_000_000)
            for model in models
        ],
        "response_cache_rate": _rate(sum(totals[M.AI_CACHE_HITS].values()), requests),
        "prompt_cache_rate": _rate(sum(totals[M.AI_CACHED_TOKENS].values()), prompt_tokens),
        "fallbacks": sum(totals[M.AI_FALLBACKS].values()),
        "errors": sum(totals[M.AI_ERRORS].values()),
        "signups": sum(signups.values()),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def creator_margins(*, limit: int = 50) -> list[dict]:
    """This month, per creator with AI use: what their plan pays minus what their AI cost,
    the ones who cost more than they pay first. Three queries."""
    since = month_start().date()
    costs = list(
        DailyStat.objects.filter(metric=M.AI_COST, day__gte=since)
        .values("creator_id")
        .annotate(cost=Sum("value"))
        .order_by("-cost")[:500]
    )
    ids = [row["creator_id"] for row in costs]
    prices = plan_price_cents_by_user(user_ids=ids)
    handles = user_handles(user_ids=ids)
    rows = []
    for row in costs:
        cost = row["cost"] / 1_000_000
        revenue = prices.get(row["creator_id"], 0) / 100
        rows.append(
            {
                "handle": handles.get(row["creator_id"], ""),
                "revenue": revenue,
                "cost": cost,
                "margin": revenue - cost,
            }
        )
    rows.sort(key=lambda row: row["margin"])
    return rows[:limit]


def ops_overview() -> dict:
    now = timezone.now()
    thirty_days = now - datetime.timedelta(days=30)
    return {
        "uptime": uptime_windows(now),
        "incidents": probe_incidents(since=thirty_days),
        "latency_day": route_latency(since=now - datetime.timedelta(hours=24)),
        "latency_week": route_latency(since=now - datetime.timedelta(days=7)),
        "errors": recent_errors(),
        "ai": ai_summary(since=today() - datetime.timedelta(days=29)),
        "revenue": revenue_summary(since=thirty_days),
        "webhook_failures": webhook_failures_since(since=now - datetime.timedelta(days=1)),
        "margins": creator_margins(),
        "open_incidents": list(
            AlertIncident.objects.filter(cleared_at__isnull=True).select_related("rule")
        ),
        "last_probe": Probe.objects.order_by("-at").first(),
    }
