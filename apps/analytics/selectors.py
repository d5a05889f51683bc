"""What the creator's analytics page and the dashboard read: the daily roll-ups, a period
against the one before it."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from apps.content.library.selectors import content_titles_for_user
from apps.users.selectors import link_list_for_user

from .models import DailyStat
from .services import today

M = DailyStat.Metric
PERIODS = (7, 30, 90)
TOP_ROWS = 10


def link_clicks_since(*, creator, since: datetime.datetime) -> int:
    """Clicks on the creator's tracked links from `since`'s day on (as last rolled up)."""
    total = DailyStat.objects.filter(
        creator=creator, metric=M.CLICKS, day__gte=since.date()
    ).aggregate(total=Sum("value"))["total"]
    return total or 0


@dataclass(frozen=True)
class Figure:
    current: int
    previous: int

    @property
    def change(self) -> int | None:
        """Percent change against the period before; None when there was nothing before."""
        if not self.previous:
            return None
        return round(100 * (self.current - self.previous) / self.previous)


@dataclass
class Period:
    days: int
    start: datetime.date
    end: datetime.date
    previous_start: datetime.date
    totals: dict[str, Figure] = field(default_factory=dict)
    series: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    referrers: list[tuple[str, int]] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    devices: list[tuple[str, int]] = field(default_factory=list)
    ai_models: list[tuple[str, int, float]] = field(default_factory=list)

    @property
    def click_through(self) -> float | None:
        """Link clicks per page view, in percent."""
        views = self.totals["views"].current
        return round(100 * self.totals["clicks"].current / views, 1) if views else None

    @property
    def is_empty(self) -> bool:
        return not any(figure.current or figure.previous for figure in self.totals.values())


def period_bounds(days: int, end: datetime.date | None = None):
    end = end or today()
    start = end - datetime.timedelta(days=days - 1)
    return start, end, start - datetime.timedelta(days=days)


def _ranked(values: dict[str, int], limit: int = TOP_ROWS) -> list[tuple[str, int]]:
    return sorted(((k, v) for k, v in values.items() if v), key=lambda kv: (-kv[1], kv[0]))[:limit]


def creator_period(*, creator, days: int) -> Period:
    """The creator's figures over the last `days` days (today included) and the same
    number of days before. Four queries, whatever the period and the traffic."""
    start, end, previous_start = period_bounds(days)
    period = Period(days=days, start=start, end=end, previous_start=previous_start)
    rows = (
        DailyStat.objects.filter(creator=creator, day__gte=previous_start, day__lte=end)
        .values("metric", "key")
        .annotate(
            current=Sum("value", filter=Q(day__gte=start)),
            previous=Sum("value", filter=Q(day__lt=start)),
        )
        .order_by()
    )
    by_metric: dict[str, dict[str, Figure]] = defaultdict(dict)
    for row in rows:
        by_metric[row["metric"]][row["key"]] = Figure(row["current"] or 0, row["previous"] or 0)

    def total(metric: str) -> Figure:
        figures = by_metric.get(metric, {}).values()
        return Figure(sum(f.current for f in figures), sum(f.previous for f in figures))

    period.totals = {
        "views": total(M.VIEWS),
        "visitors": total(M.VISITORS),
        "clicks": total(M.CLICKS),
        "follows": total(M.FOLLOWS),
        "generations": total(M.AI_REQUESTS),
        "ai_cost": total(M.AI_COST),
    }

    daily = defaultdict(lambda: defaultdict(int))
    for day, metric, value in DailyStat.objects.filter(
        creator=creator,
        day__gte=start,
        day__lte=end,
        metric__in=[M.VIEWS, M.VISITORS, M.CLICKS, M.FOLLOWS, M.AI_REQUESTS, M.AI_COST],
    ).values_list("day", "metric", "value"):
        daily[day][metric] += value
    period.series = [
        {
            "day": day,
            "views": daily[day][M.VIEWS],
            "visitors": daily[day][M.VISITORS],
            "clicks": daily[day][M.CLICKS],
            "follows": daily[day][M.FOLLOWS],
            "generations": daily[day][M.AI_REQUESTS],
            "ai_cost_usd": daily[day][M.AI_COST] / 1_000_000,
        }
        for day in (start + datetime.timedelta(days=n) for n in range(days))
    ]

    views = period.totals["views"].current
    link_clicks = by_metric.get(M.LINK_CLICKS, {})
    for link in link_list_for_user(user=creator):
        clicks = link_clicks.get(str(link.pk), Figure(0, 0))
        period.links.append(
            {
                "id": link.pk,
                "title": link.title,
                "url": link.url,
                "clicks": clicks,
                "click_through": round(100 * clicks.current / views, 1) if views else None,
            }
        )
    post_views = {int(k): f for k, f in by_metric.get(M.POST_VIEWS, {}).items() if k.isdigit()}
    top_posts = sorted(post_views.items(), key=lambda kv: (-kv[1].current, kv[0]))[:TOP_ROWS]
    top_posts = [(pk, figure) for pk, figure in top_posts if figure.current]
    titles = content_titles_for_user(user=creator, item_ids=[pk for pk, _ in top_posts])
    period.posts = [
        {"id": pk, "views": figure, **titles[pk]} for pk, figure in top_posts if pk in titles
    ]

    def current(metric: str) -> dict[str, int]:
        return {key: figure.current for key, figure in by_metric.get(metric, {}).items()}

    period.referrers = _ranked(current(M.REFERRERS))
    period.sources = _ranked(current(M.UTM))
    period.devices = _ranked(current(M.DEVICES))
    costs = current(M.AI_COST)
    period.ai_models = [
        (model, requests, costs.get(model, 0) / 1_000_000)
        for model, requests in _ranked(current(M.AI_REQUESTS))
    ]
    return period
