"""Checkout, portal and the user's tier, with Stripe as the source of truth."""

import json
import logging
import uuid

import stripe
from django.db import transaction
from django.urls import reverse
from djstripe.models import Customer
from djstripe.models import Subscription as DjstripeSubscription

from apps.users.audit import security_event_record
from apps.users.models import SecurityEvent, User

from .plans import FREE_PLAN_KEY, PlanInfo, plan_for_lookup_key, plan_for_tier
from .stripe_client import stripe_enabled, stripe_options

logger = logging.getLogger(__name__)

# Statuses that keep a plan's features. past_due is Stripe's retry window: the creator keeps
# the plan and sees a banner asking them to fix the payment.
ACTIVE_STATUSES = ("active", "trialing", "past_due")


class BillingError(Exception):
    """Stripe refused or could not be reached; the message is safe to show."""


def customer_for_user(*, user: User) -> Customer:
    """The user's Stripe customer, created once (with an idempotency key) and reused."""
    customer, _created = Customer.get_or_create(subscriber=user)
    return customer


def _price_id(plan: PlanInfo) -> str:
    prices = stripe.Price.list(
        lookup_keys=[plan.stripe_lookup_key], active=True, **stripe_options()
    )
    if not prices.data:
        raise BillingError(f"No Stripe price with the lookup key {plan.stripe_lookup_key}.")
    return prices.data[0].id


def checkout_session_create(*, user: User, plan: PlanInfo, base_url: str, token: str) -> str:
    """Start Stripe Checkout for a subscription to `plan`; returns the URL to send the user to.

    `token` comes from the page the user clicked on, so a double submit sends the same
    idempotency key and gets the same session back.
    """
    if not plan.stripe_lookup_key:
        raise BillingError("This plan is not sold through Stripe.")
    try:
        customer = customer_for_user(user=user)
        session = stripe.checkout.Session.create(
            mode="subscription",
            customer=customer.id,
            client_reference_id=str(user.pk),
            line_items=[{"price": _price_id(plan), "quantity": 1}],
            success_url=base_url + reverse("billing_success") + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=base_url + reverse("billing_cancel"),
            allow_promotion_codes=True,
            metadata={"plan": plan.key},
            idempotency_key=f"checkout:{user.pk}:{plan.key}:{token}",
            **stripe_options(),
        )
    except stripe.StripeError as exc:
        logger.warning("checkout failed for user %s: %s", user.pk, exc)
        raise BillingError("Stripe could not start the checkout. Please try again.") from exc
    return session.url


def portal_session_create(*, user: User, return_url: str) -> str:
    try:
        customer = customer_for_user(user=user)
        session = stripe.billing_portal.Session.create(
            customer=customer.id,
            return_url=return_url,
            idempotency_key=f"portal:{user.pk}:{uuid.uuid4().hex}",
            **stripe_options(),
        )
    except stripe.StripeError as exc:
        raise BillingError("Stripe could not open the billing portal. Please try again.") from exc
    return session.url


def _best(subscriptions) -> tuple[PlanInfo, str]:
    """The best plan among subscriptions that keep their features, and its status."""
    best, best_status = plan_for_tier(FREE_PLAN_KEY), ""
    for sub in subscriptions:
        if sub["status"] not in ACTIVE_STATUSES:
            continue
        for item in sub["items"]["data"]:
            plan = plan_for_lookup_key(item["price"].get("lookup_key"))
            if plan is not None and plan.rank > best.rank:
                best, best_status = plan, sub["status"]
    return best, best_status


def _user_for_customer(customer_id: str) -> User | None:
    customer = Customer.objects.filter(id=customer_id).select_related("subscriber").first()
    if customer is not None and customer.subscriber_id:
        return customer.subscriber
    remote = stripe.Customer.retrieve(customer_id, **stripe_options())
    subscriber_id = (remote.get("metadata") or {}).get("djstripe_subscriber")
    return User.objects.filter(pk=subscriber_id).first() if subscriber_id else None


def subscription_sync_tier(*, customer_id: str, sync_objects: bool = False) -> User | None:
    """Set the user's tier from their subscriptions as Stripe reports them now.

    Reads Stripe rather than trusting the event that triggered it, so events arriving late,
    twice or out of order all end in the same state.
    """
    user = _user_for_customer(customer_id)
    if user is None:
        logger.warning("no Huntaze user for Stripe customer %s", customer_id)
        return None
    subscriptions = stripe.Subscription.list(
        customer=customer_id, status="all", limit=100, **stripe_options()
    ).data
    if sync_objects:
        for sub in subscriptions:
            DjstripeSubscription.sync_from_stripe_data(sub)
    plan, status = _best(subscriptions)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if (locked.tier, locked.billing_status) != (plan.key, status):
            logger.info(
                "user %s: plan %s/%s -> %s/%s",
                locked.pk,
                locked.tier,
                locked.billing_status or "-",
                plan.key,
                status or "-",
            )
            if locked.tier != plan.key:
                security_event_record(
                    user=locked,
                    kind=SecurityEvent.Kind.PLAN_CHANGED,
                    detail=f"{locked.tier} → {plan.key}",
                )
            locked.tier, locked.billing_status = plan.key, status
            locked.save(update_fields=["tier", "billing_status", "updated_at"])
    return locked


def checkout_completed(*, session: dict) -> User | None:
    """Link the Stripe customer to the user who paid, then read their subscriptions."""
    customer_id = session.get("customer")
    user = User.objects.filter(pk=session.get("client_reference_id") or 0).first()
    if customer_id and user is not None:
        Customer.objects.filter(id=customer_id, subscriber__isnull=True).update(subscriber=user)
        if not Customer.objects.filter(id=customer_id).exists():
            remote = stripe.Customer.retrieve(customer_id, **stripe_options())
            Customer.sync_from_stripe_data(remote)
            Customer.objects.filter(id=customer_id).update(subscriber=user)
    return subscription_sync_tier(customer_id=customer_id) if customer_id else None


def subscriptions_reconcile() -> list[tuple[int, str, str]]:
    """Re-read every customer's subscriptions from Stripe and correct drift. Returns the
    changes as (user id, old tier, new tier)."""
    changes = []
    for customer in Customer.objects.filter(subscriber__isnull=False).select_related("subscriber"):
        old = customer.subscriber.tier
        try:
            user = subscription_sync_tier(customer_id=customer.id, sync_objects=True)
        except stripe.StripeError:
            logger.exception("reconciliation failed for customer %s", customer.id)
            continue
        if user is not None and user.tier != old:
            changes.append((user.pk, old, user.tier))
    for user_id, old, new in changes:
        logger.warning("reconciliation corrected user %s: %s -> %s", user_id, old, new)
    return changes


# Statuses after which Stripe bills nothing more.
ENDED_STATUSES = ("canceled", "incomplete_expired")


def billing_cancel_all(*, user: User) -> list[str]:
    """Cancel, at once, every live Stripe subscription of the user's customers (before the
    account is deleted). Returns the ids cancelled; raises BillingError when Stripe cannot
    be reached or refuses, so that the account is not deleted while still being billed."""
    customers = list(Customer.objects.filter(subscriber=user).values_list("id", flat=True))
    if not customers:
        return []
    if not stripe_enabled():
        raise BillingError("Billing is switched off, so the subscription cannot be cancelled.")
    cancelled = []
    try:
        for customer_id in customers:
            subscriptions = stripe.Subscription.list(
                customer=customer_id, status="all", limit=100, **stripe_options()
            ).data
            for sub in subscriptions:
                if sub["status"] in ENDED_STATUSES:
                    continue
                stripe.Subscription.cancel(
                    sub["id"], idempotency_key=f"delete-account:{sub['id']}", **stripe_options()
                )
                cancelled.append(sub["id"])
    except stripe.StripeError as exc:
        logger.warning("cancelling the subscriptions of user %s failed: %s", user.pk, exc)
        raise BillingError(
            "Stripe could not cancel your subscription just now, so nothing was deleted. "
            "Please try again in a few minutes."
        ) from exc
    logger.info("user %s: cancelled %s before deleting the account", user.pk, cancelled)
    return cancelled


@transaction.atomic
def plans_seed_defaults() -> None:
    """Create the default plans where they are missing (never overwrites edited ones)."""
    from .models import Plan
    from .plans import DEFAULT_PLANS, plans_forget

    for row in DEFAULT_PLANS:
        fields = dict(row)
        Plan.objects.get_or_create(key=fields.pop("key"), defaults=fields)
    plans_forget()


# Stripe's events are a few KB; anything near this is not one of theirs.
WEBHOOK_MAX_BYTES = 256 * 1024


def webhook_precheck(*, body: bytes, signature: str, endpoint) -> str | None:
    """Why a webhook delivery must be refused before anything is stored, or None.

    dj-stripe stores a row for every delivery it reads, even one with a bad signature; this
    check runs first so that forged, oversized or pathological bodies never reach the
    database (or a JSON decoder's recursion limit).
    """
    if len(body) > WEBHOOK_MAX_BYTES:
        return "body too large"
    if not signature:
        return "no signature"
    try:
        stripe.WebhookSignature.verify_header(
            body.decode("utf-8"), signature, endpoint.secret, endpoint.djstripe_tolerance
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError):
        return "bad signature"
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return "not JSON we can read"
    return None
