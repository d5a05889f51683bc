"""The usage ledger: costs from the price table in settings, one row per request, and the
reads that quotas and analytics need."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .models import UsageRecord

_MILLION = Decimal(1_000_000)


def cost_usd(
    *, model: str, prompt_tokens: int, cached_tokens: int, completion_tokens: int
) -> Decimal:
    """USD for one call: uncached input, cached input and output at the model's prices."""
    prices = settings.AI_PRICES[model]
    uncached = max(prompt_tokens - cached_tokens, 0)
    total = (
        Decimal(uncached) * Decimal(str(prices["input"]))
        + Decimal(cached_tokens) * Decimal(str(prices["cached"]))
        + Decimal(completion_tokens) * Decimal(str(prices["output"]))
    ) / _MILLION
    return total.quantize(Decimal("0.000001"))


def month_start(now: datetime.datetime | None = None) -> datetime.datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def quota_cache_key(*, user) -> str:
    return f"ai:used:{user.pk}:{month_start():%Y%m}"


def usage_requests_this_month(*, user, cached: int | None = None) -> int:
    """Requests that count against the plan: served by the provider and successful.

    Failed calls are never charged; answers from the response cache cost nothing and are
    not charged either. `cached` is the total kept in the cache under quota_cache_key (the
    service reads it together with the response cache); without it the ledger is counted.
    """
    if cached is not None:
        return cached
    return UsageRecord.objects.filter(
        user=user,
        status=UsageRecord.Status.OK,
        cache_hit=False,
        created_at__gte=month_start(),
    ).count()


def usage_by_day(*, user, since: datetime.date) -> QuerySet:
    """Per day and model: requests, tokens and cost. For analytics and the billing page."""
    return (
        UsageRecord.objects.filter(user=user, created_at__date__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day", "model")
        .annotate(
            requests=Count("id"),
            failed=Count("id", filter=Q(status=UsageRecord.Status.ERROR)),
            cache_hits=Count("id", filter=Q(cache_hit=True)),
            prompt_tokens=Sum("prompt_tokens"),
            cached_tokens=Sum("cached_tokens"),
            completion_tokens=Sum("completion_tokens"),
            cost_usd=Sum("cost_usd"),
        )
        .order_by("day", "model")
    )


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first and last instant of a day in the site's zone, TIME_ZONE (an indexed range,
    where created_at__date would read every row)."""
    start = timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone()
    )
    return start, start + datetime.timedelta(days=1, microseconds=-1)


def usage_rollup_rows(*, day: datetime.date) -> QuerySet:
    """One day's ledger grouped by user, model, task and route reason: what analytics rolls
    up into its daily figures (rows of deleted accounts are left out)."""
    return (
        UsageRecord.objects.filter(created_at__range=day_bounds(day), user__isnull=False)
        .values("user_id", "model", "task", "route_reason")
        .annotate(
            requests=Count("id"),
            errors=Count("id", filter=Q(status=UsageRecord.Status.ERROR)),
            cache_hits=Count("id", filter=Q(cache_hit=True)),
            fallbacks=Count("id", filter=Q(fallback=True)),
            prompt_tokens=Coalesce(Sum("prompt_tokens"), 0),
            cached_tokens=Coalesce(Sum("cached_tokens"), 0),
            completion_tokens=Coalesce(Sum("completion_tokens"), 0),
            cost_usd=Sum("cost_usd"),
        )
        .order_by()
    )
