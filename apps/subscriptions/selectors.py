"""Reads of plans, usage and billing; the billing page and the API share them."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from djstripe.models import Customer, Invoice, Subscription, WebhookEventTrigger

from apps.users.models import Link, User

from .plans import PlanInfo, plan_for_tier
from .services import ACTIVE_STATUSES
from .stripe_client import stripe_enabled
from .usage import ai_requests_used

INVOICES_LISTED = 12


@dataclass(frozen=True)
class PlanUsage:
    plan: PlanInfo
    ai_requests_used: int
    links_used: int
    resets_on: datetime.date

    @property
    def ai_requests_limit(self) -> int:
        return self.plan.ai_requests_month

    @property
    def ai_requests_percent(self) -> int:
        limit = self.plan.ai_requests_month
        return min(100, round(100 * self.ai_requests_used / limit)) if limit else 0


@dataclass(frozen=True)
class BillingAccount:
    """The user's current Stripe subscription (None without one) and latest invoices."""

    subscription: dict | None
    invoices: list[dict]


def _month_start_after(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def plan_usage_for_user(*, user) -> PlanUsage:
    """This month's metered use against the user's plan; counts reset on `resets_on`."""
    return PlanUsage(
        plan=plan_for_tier(user.tier),
        ai_requests_used=ai_requests_used(user),
        links_used=Link.objects.filter(user=user).count(),
        resets_on=_month_start_after(timezone.localdate()),
    )


def _from_timestamp(value) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC) if value else None


def billing_account_for_user(*, user) -> BillingAccount:
    if not stripe_enabled():
        return BillingAccount(subscription=None, invoices=[])
    customer = Customer.objects.filter(subscriber=user).first()
    if customer is None:
        return BillingAccount(subscription=None, invoices=[])
    # dj-stripe 2.11 keeps Stripe's fields in `stripe_data`.
    current = [
        sub.stripe_data
        for sub in Subscription.objects.filter(customer=customer)
        if sub.stripe_data.get("status") in ACTIVE_STATUSES
    ]
    subscription = None
    if current:
        data = max(current, key=lambda d: d.get("current_period_end") or 0)
        subscription = {
            "status": data.get("status"),
            "cancel_at_period_end": data.get("cancel_at_period_end"),
            "current_period_end": _from_timestamp(data.get("current_period_end")),
        }
    invoices = [
        {
            "created": _from_timestamp(inv.stripe_data.get("created")),
            "total": (inv.stripe_data.get("total") or 0) / 100,
            "currency": inv.stripe_data.get("currency", ""),
            "status": inv.stripe_data.get("status", ""),
            "hosted_invoice_url": inv.stripe_data.get("hosted_invoice_url"),
        }
        for inv in Invoice.objects.filter(customer=customer).order_by("-created")[:INVOICES_LISTED]
    ]
    return BillingAccount(subscription=subscription, invoices=invoices)


# For the ops dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class RevenueSummary:
    mrr_cents: int
    paying: int
    new: int
    churned: int
    past_due: int


def _monthly_cents(data: dict) -> int:
    """A subscription's price per month from Stripe's own record of its items."""
    total = 0
    for item in (data.get("items") or {}).get("data", []):
        price = item.get("price") or item.get("plan") or {}
        amount = price.get("unit_amount", price.get("amount")) or 0
        recurring = price.get("recurring") or price
        interval = recurring.get("interval", "month")
        count = recurring.get("interval_count", 1) or 1
        per_month = {"day": 30, "week": 52 / 12, "month": 1, "year": 1 / 12}.get(interval, 1)
        total += round(amount * (item.get("quantity") or 1) * per_month / count)
    return total


def revenue_summary(*, since: datetime.datetime) -> RevenueSummary:
    """MRR of the live subscriptions, and subscriptions started, ended and past due, as
    dj-stripe last synced them from Stripe. One query."""
    since_ts = int(since.timestamp())
    subscriptions = Subscription.objects.filter(
        Q(stripe_data__status__in=ACTIVE_STATUSES)
        | Q(created__gte=since)
        | Q(stripe_data__ended_at__gte=since_ts)
    ).only("stripe_data", "created")
    mrr = paying = new = churned = past_due = 0
    for subscription in subscriptions:
        data = subscription.stripe_data or {}
        status = data.get("status", "")
        if status in ACTIVE_STATUSES:
            mrr += _monthly_cents(data)
            paying += 1
        if status == "past_due":
            past_due += 1
        if subscription.created and subscription.created >= since:
            new += 1
        if (data.get("ended_at") or 0) >= since_ts:
            churned += 1
    return RevenueSummary(mrr_cents=mrr, paying=paying, new=new, churned=churned, past_due=past_due)


def plan_price_cents_by_user(*, user_ids) -> dict[int, int]:
    """What each of these users pays a month for their plan (0 on Free or without a live
    subscription). One query."""
    prices = {}
    for pk, tier, status in User.objects.filter(pk__in=list(user_ids)).values_list(
        "pk", "tier", "billing_status"
    ):
        paying = status in ACTIVE_STATUSES
        prices[pk] = plan_for_tier(tier).price_month_cents if paying else 0
    return prices


def webhook_failures_since(*, since: datetime.datetime) -> int:
    """Stripe webhook deliveries that were refused or whose processing failed."""
    return (
        WebhookEventTrigger.objects.filter(created__gte=since)
        .filter(Q(valid=False) | ~Q(exception=""))
        .count()
    )
