import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from djstripe.models import Customer, Invoice, Subscription

from .plans import plan_for_tier, plan_list
from .services import (
    ACTIVE_STATUSES,
    BillingError,
    checkout_session_create,
    portal_session_create,
)
from .stripe_client import stripe_enabled


def _from_timestamp(value) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC) if value else None


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def pricing(request: HttpRequest) -> HttpResponse:
    context = {
        "plans": plan_list(),
        "stripe_enabled": stripe_enabled(),
        "checkout_token": uuid.uuid4().hex,
    }
    return render(request, "subscriptions/pricing.html", context)


@login_required
def billing(request: HttpRequest) -> HttpResponse:
    """Current plan, renewal, usage against limits, invoices, and the ways to change them."""
    from apps.content.ai.ledger import usage_requests_this_month

    user = request.user
    plan = plan_for_tier(user.tier)
    customer = Customer.objects.filter(subscriber=user).first() if stripe_enabled() else None
    subscription = None
    invoices = []
    if customer is not None:
        # dj-stripe 2.11 keeps Stripe's fields in `stripe_data`.
        current = [
            sub.stripe_data
            for sub in Subscription.objects.filter(customer=customer)
            if sub.stripe_data.get("status") in ACTIVE_STATUSES
        ]
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
            for inv in Invoice.objects.filter(customer=customer).order_by("-created")[:12]
        ]
    used = usage_requests_this_month(user=user)
    context = {
        "plan": plan,
        "plans": plan_list(),
        "stripe_enabled": stripe_enabled(),
        "subscription": subscription,
        "invoices": invoices,
        "used": used,
        "used_percent": min(100, round(100 * used / plan.ai_requests_month))
        if plan.ai_requests_month
        else 0,
        "links_used": user.links.count(),
        "checkout_token": uuid.uuid4().hex,
        "month_end": (timezone.localdate().replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        ),
    }
    return render(request, "subscriptions/billing.html", context)


@require_POST
@login_required
def checkout(request: HttpRequest, plan_key: str) -> HttpResponse:
    if not stripe_enabled():
        messages.error(request, _("Billing is not configured on this server."))
        return redirect("billing")
    plan = next((p for p in plan_list() if p.key == plan_key and p.stripe_lookup_key), None)
    if plan is None:
        raise Http404("No such plan")
    token = request.POST.get("token", "")
    try:
        uuid.UUID(token)
    except ValueError:
        token = uuid.uuid4().hex
    try:
        url = checkout_session_create(
            user=request.user, plan=plan, base_url=_base_url(request), token=token
        )
    except BillingError as exc:
        messages.error(request, str(exc))
        return redirect("billing")
    return redirect(url)


@require_POST
@login_required
def portal(request: HttpRequest) -> HttpResponse:
    if not stripe_enabled():
        messages.error(request, _("Billing is not configured on this server."))
        return redirect("billing")
    try:
        url = portal_session_create(
            user=request.user, return_url=_base_url(request) + reverse("billing")
        )
    except BillingError as exc:
        messages.error(request, str(exc))
        return redirect("billing")
    return redirect(url)


@login_required
def success(request: HttpRequest) -> HttpResponse:
    return render(request, "subscriptions/success.html")


@login_required
def cancel(request: HttpRequest) -> HttpResponse:
    return render(request, "subscriptions/cancel.html")
