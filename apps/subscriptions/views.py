import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from djstripe.models import WebhookEndpoint
from djstripe.views import ProcessWebhookView

from .metrics import WEBHOOK_FAILURES
from .plans import plan_for_checkout, plan_list
from .selectors import billing_account_for_user, plan_usage_for_user
from .services import (
    WEBHOOK_MAX_BYTES,
    BillingError,
    checkout_session_create,
    portal_session_create,
    webhook_precheck,
)
from .stripe_client import stripe_enabled

logger = logging.getLogger(__name__)


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
    usage = plan_usage_for_user(user=request.user)
    account = billing_account_for_user(user=request.user)
    context = {
        "plan": usage.plan,
        "plans": plan_list(),
        "stripe_enabled": stripe_enabled(),
        "subscription": account.subscription,
        "invoices": account.invoices,
        "used": usage.ai_requests_used,
        "used_percent": usage.ai_requests_percent,
        "links_used": usage.links_used,
        "checkout_token": uuid.uuid4().hex,
        "month_end": usage.resets_on,
    }
    return render(request, "subscriptions/billing.html", context)


@require_POST
@login_required
def checkout(request: HttpRequest, plan_key: str) -> HttpResponse:
    if not stripe_enabled():
        messages.error(request, _("Billing is not configured on this server."))
        return redirect("billing")
    plan = plan_for_checkout(plan_key)
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


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest, endpoint_uuid) -> HttpResponse:
    """Stripe's deliveries: refused (400, nothing stored) unless small, signed with the
    endpoint's secret and readable JSON; then dj-stripe stores, verifies and processes them,
    and our handlers (webhooks.py) run."""
    endpoint = get_object_or_404(WebhookEndpoint, djstripe_uuid=endpoint_uuid)
    if int(request.headers.get("Content-Length") or 0) > WEBHOOK_MAX_BYTES:
        WEBHOOK_FAILURES.labels(reason="body too large").inc()
        return HttpResponseBadRequest("body too large")
    problem = webhook_precheck(
        body=request.body,
        signature=request.headers.get("Stripe-Signature", ""),
        endpoint=endpoint,
    )
    if problem:
        logger.warning("webhook refused before storing: %s", problem)
        WEBHOOK_FAILURES.labels(reason=problem).inc()
        return HttpResponseBadRequest(problem)
    return ProcessWebhookView.as_view()(request, uuid=endpoint_uuid)
