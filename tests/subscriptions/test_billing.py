"""Plans, checkout, portal, webhooks and reconciliation with the real stripe SDK against a
local fake Stripe API, and webhooks signed with Stripe's scheme."""

import json
import random
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from djstripe.models import Customer, Event, WebhookEventTrigger

from apps.subscriptions.models import Plan
from apps.subscriptions.plans import plan_for_tier, plans_forget
from apps.subscriptions.services import plans_seed_defaults, subscriptions_reconcile
from apps.users.models import SecurityEvent, User
from tests.factories import UserFactory
from tests.fakes.stripe_api import signed_webhook

from .conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db


def _post_event(
    client, endpoint, payload, *, secret=WEBHOOK_SECRET, timestamp=None, tamper=False, header=True
):
    body, signature = signed_webhook(payload, secret, timestamp=timestamp)
    if tamper:
        body = body.replace(b'"livemode": false', b'"livemode": false ')
    headers = {"stripe-signature": signature} if header else {}
    return client.post(
        f"/stripe/webhook/{endpoint.djstripe_uuid}/",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def _customer_for(fake, user):
    customer = Customer.get_or_create(subscriber=user)[0]
    return customer.id


def _subscribe(fake_stripe, webhook_endpoint, client, user, lookup_key="huntaze_pro_monthly"):
    """Play Stripe: the user subscribes and the webhook says so. Returns the customer id."""
    customer_id = _customer_for(fake_stripe, user)
    sub = fake_stripe.set_subscription(customer=customer_id, lookup_key=lookup_key, status="active")
    _post_event(client, webhook_endpoint, fake_stripe.event("customer.subscription.created", sub))
    return customer_id


# Plans as data -------------------------------------------------------------------------


def test_plans_are_data_with_their_limits(client):
    plans_seed_defaults()
    plan = Plan.objects.get(key="pro")
    plan.name, plan.price_month_cents = "Pro+", 3900
    plan.save()
    plans_forget()
    html = client.get("/pricing/").content.decode()
    assert "Pro+" in html and "$39" in html and "Business" in html
    assert plan_for_tier("pro").ai_requests_month == 1500


def test_the_setup_command_creates_prices_with_idempotency_keys(fake_stripe):
    creates = [
        r
        for r in fake_stripe.requests
        if r["method"] == "POST" and r["path"] in ("/v1/products", "/v1/prices")
    ]
    assert len(creates) == 4  # a product and a price for Pro and Business
    assert all(r["idempotency_key"] for r in creates)
    assert {p["lookup_key"] for p in fake_stripe.objects["price"].values()} == {
        "huntaze_pro_monthly",
        "huntaze_business_monthly",
    }
    assert all(r["stripe_version"] == "2024-06-20" for r in fake_stripe.requests)


# Without Stripe ------------------------------------------------------------------------


def test_without_keys_billing_says_so_and_everything_is_free(user_client, settings):
    settings.STRIPE_SECRET_KEY = ""
    html = user_client.get("/billing/").content.decode()
    assert "Billing is not configured on this server" in html
    assert "Your plan: Free" in html
    response = user_client.post("/billing/checkout/pro/")
    assert response.status_code == 302 and response["Location"] == "/billing/"


# Checkout and portal -------------------------------------------------------------------


def test_checkout_creates_the_customer_once_and_redirects_to_stripe(fake_stripe, user_client, user):
    response = user_client.post("/billing/checkout/pro/", {"token": "0" * 32})
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    user_client.post("/billing/checkout/business/", {"token": "1" * 32})
    customers = [
        r for r in fake_stripe.requests if r["path"] == "/v1/customers" and r["method"] == "POST"
    ]
    assert len(customers) == 1 and customers[0]["idempotency_key"]
    sessions = [r for r in fake_stripe.requests if r["path"] == "/v1/checkout/sessions"]
    assert len(sessions) == 2
    first = sessions[0]["params"]
    assert first["mode"] == "subscription" and first["client_reference_id"] == str(user.pk)
    assert first["customer"] == Customer.objects.get(subscriber=user).id
    assert all(s["idempotency_key"].startswith(f"checkout:{user.pk}:") for s in sessions)
    price = fake_stripe.objects["price"][first["line_items"][0]["price"]]
    assert price["lookup_key"] == "huntaze_pro_monthly"


def test_a_double_submitted_checkout_opens_one_session(fake_stripe, user_client):
    token = "3" * 32
    first = user_client.post("/billing/checkout/pro/", {"token": token})
    again = user_client.post("/billing/checkout/pro/", {"token": token})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    sessions = [r for r in fake_stripe.requests if r["path"] == "/v1/checkout/sessions"]
    assert len(sessions) == 2 and sessions[0]["idempotency_key"] == sessions[1]["idempotency_key"]
    assert len(fake_stripe.objects["checkout.session"]) == 1
    # A new click on the page (a new token) is a new checkout.
    other = user_client.post("/billing/checkout/pro/", {"token": "4" * 32})
    assert other["Location"] != first["Location"]
    assert len(fake_stripe.objects["checkout.session"]) == 2


def test_the_free_plan_and_unknown_plans_have_no_checkout(fake_stripe, user_client):
    assert user_client.post("/billing/checkout/free/").status_code == 404
    assert user_client.post("/billing/checkout/gold/").status_code == 404


def test_the_portal_opens_for_the_customer(fake_stripe, user_client, user):
    response = user_client.post("/billing/portal/")
    assert response["Location"].startswith("https://billing.stripe.com/p/session/")
    portal = next(r for r in fake_stripe.requests if r["path"] == "/v1/billing_portal/sessions")
    assert portal["params"]["return_url"].endswith("/billing/")


def test_stripe_errors_are_explained(fake_stripe, user_client):
    fake_stripe.fail_next = [500, 500, 500, 500]
    response = user_client.post("/billing/checkout/pro/", follow=True)
    assert "Stripe could not start the checkout" in response.content.decode()


# Webhooks ------------------------------------------------------------------------------


def test_a_subscription_event_sets_the_tier_from_stripes_state(
    fake_stripe, webhook_endpoint, client, user
):
    customer_id = _customer_for(fake_stripe, user)
    sub = fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_pro_monthly", status="active"
    )
    response = _post_event(
        client, webhook_endpoint, fake_stripe.event("customer.subscription.created", sub)
    )
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.tier == "pro" and user.billing_status == "active"

    # Payment fails: Stripe moves it to past_due; the plan stays, with a banner.
    sub = fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_pro_monthly", status="past_due", sub_id=sub["id"]
    )
    _post_event(
        client,
        webhook_endpoint,
        fake_stripe.event(
            "invoice.payment_failed", {"id": "in_1", "object": "invoice", "customer": customer_id}
        ),
    )
    user.refresh_from_db()
    assert user.tier == "pro" and user.billing_status == "past_due"
    client.force_login(user)
    assert "Your last payment failed" in client.get("/dashboard/").content.decode()

    # Cancelled: back to Free.
    sub = fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_pro_monthly", status="canceled", sub_id=sub["id"]
    )
    _post_event(client, webhook_endpoint, fake_stripe.event("customer.subscription.deleted", sub))
    user.refresh_from_db()
    assert user.tier == "free" and user.billing_status == ""


def test_checkout_completed_links_the_customer_and_the_best_subscription_wins(
    fake_stripe, webhook_endpoint, client, user
):
    customer_id = fake_stripe.customer(email=user.email)["id"]  # created by Checkout, not by us
    fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_pro_monthly", status="active"
    )
    fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_business_monthly", status="trialing"
    )
    session = {
        "id": "cs_test_1",
        "object": "checkout.session",
        "customer": customer_id,
        "client_reference_id": str(user.pk),
        "mode": "subscription",
    }
    response = _post_event(
        client, webhook_endpoint, fake_stripe.event("checkout.session.completed", session)
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.tier == "business"
    assert Customer.objects.get(id=customer_id).subscriber == user
    # The change is in the user's audit log.
    event = SecurityEvent.objects.get(user=user, kind="plan_changed")
    assert event.detail == "free → business"


@pytest.mark.parametrize(
    "attack",
    ["forged", "tampered", "wrong_secret", "stale", "missing_header"],
)
def test_bad_signatures_are_rejected_without_any_change(
    fake_stripe, webhook_endpoint, client, user, attack
):
    customer_id = _customer_for(fake_stripe, user)
    sub = fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_business_monthly", status="active"
    )
    payload = fake_stripe.event("customer.subscription.created", sub)
    if attack == "forged":
        body = json.dumps(payload).encode()
        response = client.post(
            f"/stripe/webhook/{webhook_endpoint.djstripe_uuid}/",
            data=body,
            content_type="application/json",
            headers={"stripe-signature": f"t={int(time.time())},v1={'0' * 64}"},
        )
    else:
        response = _post_event(
            client,
            webhook_endpoint,
            payload,
            secret="whsec_wrong" if attack == "wrong_secret" else WEBHOOK_SECRET,
            timestamp=int(time.time()) - 301 if attack == "stale" else None,
            tamper=attack == "tampered",
            header=attack != "missing_header",
        )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.tier == "free"
    assert not Event.objects.exists()
    # Refused before anything is stored: forged deliveries cannot fill the database.
    assert not WebhookEventTrigger.objects.exists()


@pytest.mark.parametrize("body", ["huge", "nested"])
def test_oversized_or_pathological_bodies_are_refused_before_storing(
    fake_stripe, webhook_endpoint, client, body
):
    if body == "huge":
        payload = fake_stripe.event("customer.updated", {"id": "cus_x", "note": "x" * 400_000})
        raw, signature = signed_webhook(payload, WEBHOOK_SECRET)
    else:
        raw = ("[" * 50_000 + "]" * 50_000).encode()
        timestamp = int(time.time())
        import hashlib
        import hmac

        mac = hmac.new(
            WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256
        ).hexdigest()
        signature = f"t={timestamp},v1={mac}"
    response = client.post(
        f"/stripe/webhook/{webhook_endpoint.djstripe_uuid}/",
        data=raw,
        content_type="application/json",
        headers={"stripe-signature": signature},
    )
    assert response.status_code == 400
    assert not WebhookEventTrigger.objects.exists() and not Event.objects.exists()


def test_a_duplicate_event_is_a_no_op(fake_stripe, webhook_endpoint, client, user):
    customer_id = _customer_for(fake_stripe, user)
    sub = fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_pro_monthly", status="active"
    )
    payload = fake_stripe.event("customer.subscription.updated", sub)
    for _n in range(3):
        assert _post_event(client, webhook_endpoint, payload).status_code == 200
    # Our handler re-reads the customer's subscriptions from Stripe each time it runs.
    assert fake_stripe.subscription_reads(customer_id) == 1 and Event.objects.count() == 1


def test_a_handler_that_fails_once_applies_on_stripes_retry(fake_stripe, webhook_endpoint, user):
    customer_id = _customer_for(fake_stripe, user)
    sub = fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_pro_monthly", status="active"
    )
    payload = fake_stripe.event("customer.subscription.created", sub)
    # Stripe cannot list the subscriptions for a moment (the SDK's retries included), so
    # the handler fails and the delivery answers 500; Stripe will deliver again.
    fake_stripe.fail_paths["/v1/subscriptions"] = 10
    client = Client(raise_request_exception=False)
    assert _post_event(client, webhook_endpoint, payload).status_code == 500
    user.refresh_from_db()
    assert user.tier == "free" and not Event.objects.exists()
    assert WebhookEventTrigger.objects.filter(exception__contains="Simulated outage").exists()
    fake_stripe.fail_paths.clear()
    assert _post_event(client, webhook_endpoint, payload).status_code == 200
    user.refresh_from_db()
    assert user.tier == "pro" and Event.objects.count() == 1


def test_shuffled_events_end_in_stripes_state(fake_stripe, webhook_endpoint, client, user):
    customer_id = _customer_for(fake_stripe, user)
    sub_id = "sub_shuffle"
    history = []
    for lookup, status in [
        ("huntaze_pro_monthly", "incomplete"),
        ("huntaze_pro_monthly", "active"),
        ("huntaze_business_monthly", "active"),
        ("huntaze_business_monthly", "past_due"),
    ]:
        snapshot = json.loads(
            json.dumps(
                fake_stripe.set_subscription(
                    customer=customer_id, lookup_key=lookup, status=status, sub_id=sub_id
                )
            )
        )
        history.append(fake_stripe.event("customer.subscription.updated", snapshot))
    random.Random(7).shuffle(history)
    for payload in history:
        assert _post_event(client, webhook_endpoint, payload).status_code == 200
    user.refresh_from_db()
    assert (user.tier, user.billing_status) == ("business", "past_due")  # Stripe's final state


@pytest.mark.django_db(transaction=True)
def test_the_same_event_five_times_at_once_has_one_effect(fake_stripe, webhook_endpoint):
    assert connection.vendor == "postgresql" or pytest.skip("needs PostgreSQL row locks")
    user = UserFactory()
    customer_id = _customer_for(fake_stripe, user)
    sub = fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_pro_monthly", status="active"
    )
    payload = fake_stripe.event("customer.subscription.created", sub)
    statuses = []
    barrier = threading.Barrier(5)

    def deliver():
        barrier.wait()
        statuses.append(
            _post_event(
                Client(raise_request_exception=False), webhook_endpoint, payload
            ).status_code
        )
        connection.close()

    threads = [threading.Thread(target=deliver) for _n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses.count(200) == 5, statuses
    assert Event.objects.count() == 1 and fake_stripe.subscription_reads(customer_id) == 1
    user.refresh_from_db()
    assert user.tier == "pro"


# Reconciliation and gating -------------------------------------------------------------


def test_nightly_reconciliation_corrects_drift(fake_stripe, user, caplog):
    customer_id = _customer_for(fake_stripe, user)
    fake_stripe.set_subscription(
        customer=customer_id, lookup_key="huntaze_business_monthly", status="active"
    )
    # A missed webhook: Stripe says Business, we still say Free.
    changes = subscriptions_reconcile()
    assert changes == [(user.pk, "free", "business")]
    assert "reconciliation corrected user" in caplog.text
    assert subscriptions_reconcile() == []


def test_the_api_is_gated_by_the_plan(fake_stripe, client, user):
    from apps.users.services import api_key_create

    _key, raw = api_key_create(user=user, name="script")
    headers = {"authorization": f"Bearer {raw}"}
    response = client.get("/api/v1/usage/", headers=headers)
    assert response.status_code == 403 and "API access" in response.json()["detail"]
    User.objects.filter(pk=user.pk).update(tier="pro")
    assert client.get("/api/v1/usage/", headers=headers).status_code == 200


def test_the_billing_page_shows_plan_usage_and_renewal(fake_stripe, webhook_endpoint, client, user):
    _subscribe(fake_stripe, webhook_endpoint, client, user)
    client.force_login(user)
    html = client.get("/billing/").content.decode()
    assert "Your plan: Pro" in html and "Renews on" in html and "of 1,500 AI requests" in html
    assert "Manage payment and invoices" in html


def test_every_create_call_carries_an_idempotency_key(
    fake_stripe, webhook_endpoint, user_client, user
):
    user_client.post("/billing/checkout/pro/", {"token": "2" * 32})
    user_client.post("/billing/portal/")
    posts = [r for r in fake_stripe.requests if r["method"] == "POST"]
    assert {r["path"] for r in posts} >= {
        "/v1/customers",
        "/v1/checkout/sessions",
        "/v1/billing_portal/sessions",
    }
    assert all(r["idempotency_key"] for r in posts), [
        r["path"] for r in posts if not r["idempotency_key"]
    ]


def test_staff_see_a_users_subscription_and_events(
    fake_stripe, webhook_endpoint, client, user, staff_user
):
    customer_id = _subscribe(fake_stripe, webhook_endpoint, client, user)
    client.force_login(staff_user)
    html = client.get(f"/admin/users/user/{user.pk}/change/").content.decode()
    assert customer_id in html and "subscriptions" in html and "events" in html
    assert client.get("/admin/djstripe/event/").status_code == 200
    assert client.get("/admin/subscriptions/plan/").status_code == 200


def test_the_plan_decorator_sends_others_to_pricing(rf, user):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.http import HttpResponse

    from apps.subscriptions.gating import plan_feature_required

    @plan_feature_required("api_access")
    def view(request):
        return HttpResponse("ok")

    request = rf.get("/somewhere/")
    request.user, request.session = user, {}
    request._messages = FallbackStorage(request)
    assert view(request)["Location"] == "/pricing/"
    User.objects.filter(pk=user.pk).update(tier="business")
    request.user = User.objects.get(pk=user.pk)
    assert view(request).content == b"ok"


def test_the_billing_page_makes_a_bounded_number_of_queries(
    fake_stripe, webhook_endpoint, client, user, queries_of
):
    _subscribe(fake_stripe, webhook_endpoint, client, user)
    client.force_login(user)
    _response, before = queries_of(lambda: client.get("/billing/"))
    from apps.users.services import link_create

    for number in range(4):
        link_create(user=user, title=f"Link {number}", url=f"https://example.com/{number}")
    response, after = queries_of(lambda: client.get("/billing/"))
    assert response.status_code == 200 and "4 of 25 page links" in response.content.decode()
    assert before == after <= 12, (before, after)


def test_a_new_user_is_on_the_free_plan_of_the_plans_table(user):
    from apps.subscriptions.plans import FREE_PLAN_KEY

    plans_seed_defaults()
    assert User._meta.get_field("tier").default == FREE_PLAN_KEY
    assert Plan.objects.filter(key=user.tier).exists()
    assert plan_for_tier(user.tier).key == FREE_PLAN_KEY


def test_pricing_numbers_have_separators_and_paid_plans_do_not_say_free(client):
    html = client.get("/pricing/").content.decode()
    assert "10,000 AI requests a month" in html and "50,000 MB of media" in html
    assert html.count(">Start free<") == 1  # the Free plan's button only
    assert "Sign up for Pro" in html and "Sign up for Business" in html
    french = client.get("/pricing/", headers={"accept-language": "fr"}).content.decode()
    assert "10\u202f000" in french or "10\u00a0000" in french or "10 000" in french
