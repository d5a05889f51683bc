"""Reads of plans, usage and billing; the billing page and the API share them."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from djstripe.models import Customer, Invoice, Subscription

from apps.users.models import Link

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
