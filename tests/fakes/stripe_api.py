"""A local fake of the Stripe API for the endpoints Huntaze and dj-stripe call, answered over
real HTTP to the real `stripe` SDK (pointed here with `stripe.api_base`).

State lives in memory; tests change subscriptions with `set_subscription` to play Stripe's
side, and sign webhook payloads with `signed_webhook` exactly as Stripe does.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from urllib.parse import parse_qs

from apps.core.testing import Exchange, LocalHTTPServer

API_VERSION = "2024-06-20"


def _form(body: bytes) -> dict:
    """Stripe's form encoding (a[b][0][c]=x) into nested dicts and lists."""
    result: dict = {}
    for raw_key, values in parse_qs(body.decode(), keep_blank_values=True).items():
        parts = raw_key.replace("]", "").split("[")
        node = result
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            nxt = None if last else parts[index + 1]
            if last:
                node[part] = values[0]
            else:
                node = node.setdefault(part, {})
        del nxt
    return _lists(result)


def _lists(node):
    if isinstance(node, dict):
        if node and all(key.isdigit() for key in node):
            return [_lists(node[key]) for key in sorted(node, key=int)]
        return {key: _lists(value) for key, value in node.items()}
    return node


class FakeStripe(LocalHTTPServer):
    def __init__(self):
        self.objects: dict[str, dict[str, dict]] = {
            "customer": {},
            "product": {},
            "price": {},
            "subscription": {},
            "checkout.session": {},
        }
        self.requests: list[dict] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.fail_next: list[int] = []
        # Path -> how many more requests to it get a 500 (Stripe having a bad moment there).
        self.fail_paths: dict[str, int] = {}
        # Like Stripe: a POST repeated with the same Idempotency-Key gets the first answer
        # (for 24 hours), and the same key with other parameters is refused.
        self._idempotent: dict[str, tuple[dict, int, dict]] = {}
        super().__init__()

    def handle(self, exchange: Exchange) -> None:
        params = _form(exchange.body or exchange.raw_query.encode())
        key = exchange.headers.get("Idempotency-Key")
        self.requests.append(
            {
                "method": exchange.method,
                "path": exchange.path,
                "params": params,
                "idempotency_key": key,
                "stripe_version": exchange.headers.get("Stripe-Version"),
                "authorization": exchange.headers.get("Authorization"),
            }
        )
        if self.fail_next:
            return self._reply(exchange, self.fail_next.pop(0), {"error": {"message": "Simulated"}})
        if self.fail_paths.get(exchange.path):
            self.fail_paths[exchange.path] -= 1
            return self._reply(exchange, 500, {"error": {"message": "Simulated outage"}})
        if exchange.method == "POST" and key:
            with self._lock:
                seen = self._idempotent.get(key)
            if seen is not None:
                first_params, status, reply = seen
                if first_params != params:
                    return self._reply(
                        exchange,
                        400,
                        {
                            "error": {
                                "type": "idempotency_error",
                                "message": "Keys for idempotent requests can only be used "
                                "with the same parameters they were first used with.",
                            }
                        },
                    )
                return self._reply(exchange, status, reply, replayed=True)
        status, reply = self.route(exchange.method, exchange.path, params)
        if exchange.method == "POST" and key:
            with self._lock:
                self._idempotent.setdefault(key, (params, status, reply))
        return self._reply(exchange, status, reply)

    def subscription_reads(self, customer_id: str) -> int:
        """How many times someone listed this customer's subscriptions (our handlers do, once
        per event they apply)."""
        return sum(
            1
            for r in self.requests
            if r["method"] == "GET"
            and r["path"] == "/v1/subscriptions"
            and r["params"].get("customer") == customer_id
        )

    def _reply(self, exchange: Exchange, status: int, body: dict, replayed=False) -> None:
        headers = {"Request-Id": f"req_{next(self._ids)}"}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        exchange.reply_json(status, body, headers)

    # Objects -------------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):06d}"

    @staticmethod
    def _base(obj_id: str, kind: str) -> dict:
        return {
            "id": obj_id,
            "object": kind,
            "livemode": False,
            "created": int(time.time()),
            "metadata": {},
        }

    def customer(self, *, email="", name="", metadata=None) -> dict:
        obj = {
            **self._base(self.new_id("cus"), "customer"),
            "email": email,
            "name": name,
            "metadata": metadata or {},
            "balance": 0,
            "currency": "usd",
            "delinquent": False,
            "description": None,
            "discount": None,
            "invoice_prefix": "HZ0001",
            "invoice_settings": {
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
            },
            "preferred_locales": [],
            "tax_exempt": "none",
            "address": None,
            "phone": None,
            "shipping": None,
            "default_source": None,
        }
        self.objects["customer"][obj["id"]] = obj
        return obj

    def product(self, *, name: str) -> dict:
        obj = {
            **self._base(self.new_id("prod"), "product"),
            "active": True,
            "name": name,
            "description": None,
            "type": "service",
            "images": [],
            "url": None,
            "default_price": None,
            "statement_descriptor": None,
            "unit_label": None,
            "updated": int(time.time()),
        }
        self.objects["product"][obj["id"]] = obj
        return obj

    def price(self, *, product: str, unit_amount: int, lookup_key: str, currency="usd") -> dict:
        obj = {
            **self._base(self.new_id("price"), "price"),
            "active": True,
            "currency": currency,
            "unit_amount": unit_amount,
            "unit_amount_decimal": str(unit_amount),
            "recurring": {
                "interval": "month",
                "interval_count": 1,
                "usage_type": "licensed",
                "aggregate_usage": None,
                "trial_period_days": None,
            },
            "type": "recurring",
            "lookup_key": lookup_key,
            "product": product,
            "billing_scheme": "per_unit",
            "nickname": None,
            "tax_behavior": "unspecified",
            "tiers_mode": None,
            "transform_quantity": None,
        }
        self.objects["price"][obj["id"]] = obj
        return obj

    def set_subscription(
        self, *, customer: str, lookup_key: str, status: str, sub_id: str | None = None
    ) -> dict:
        """Stripe's side: create or change a subscription to a price, in a status."""
        price = next(p for p in self.objects["price"].values() if p["lookup_key"] == lookup_key)
        sub_id = sub_id or self.new_id("sub")
        now = int(time.time())
        obj = {
            **self._base(sub_id, "subscription"),
            "customer": customer,
            "status": status,
            "items": {
                "object": "list",
                "has_more": False,
                "url": f"/v1/subscription_items?subscription={sub_id}",
                "data": [
                    {
                        "id": f"si_{sub_id}",
                        "object": "subscription_item",
                        "created": now,
                        "metadata": {},
                        "price": price,
                        "quantity": 1,
                        "subscription": sub_id,
                    }
                ],
            },
            "current_period_start": now,
            "current_period_end": now + 30 * 86400,
            "billing_cycle_anchor": now,
            "cancel_at_period_end": False,
            "cancel_at": None,
            "canceled_at": now if status == "canceled" else None,
            "ended_at": now if status == "canceled" else None,
            "start_date": now,
            "collection_method": "charge_automatically",
            "latest_invoice": None,
            "default_payment_method": None,
            "default_source": None,
            "discount": None,
            "days_until_due": None,
            "trial_start": None,
            "trial_end": None,
            "pending_setup_intent": None,
            "schedule": None,
            "application_fee_percent": None,
            "quantity": 1,
        }
        self.objects["subscription"][sub_id] = obj
        return obj

    # Routes --------------------------------------------------------------------------------

    def _list(self, items: list[dict], url: str) -> dict:
        return {"object": "list", "data": items, "has_more": False, "url": url}

    def route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        segments = path.strip("/").split("/")[1:]  # drop "v1"
        with self._lock:
            if path == "/v1/account" and method == "GET":
                return 200, {
                    **self._base("acct_fakeplatform", "account"),
                    "business_profile": {"name": "Huntaze test", "url": None},
                    "settings": {"dashboard": {"display_name": "Huntaze"}, "branding": {}},
                    "charges_enabled": True,
                    "payouts_enabled": True,
                    "details_submitted": True,
                    "country": "US",
                    "default_currency": "usd",
                    "email": None,
                    "type": "standard",
                }
            if segments == ["customers"] and method == "POST":
                return 200, self.customer(
                    email=params.get("email", ""),
                    name=params.get("name", ""),
                    metadata=params.get("metadata") or {},
                )
            if segments == ["products"] and method == "POST":
                return 200, self.product(name=params["name"])
            if segments == ["prices"] and method == "POST":
                return 200, self.price(
                    product=params["product"],
                    unit_amount=int(params["unit_amount"]),
                    lookup_key=params.get("lookup_key", ""),
                    currency=params.get("currency", "usd"),
                )
            if segments == ["prices"] and method == "GET":
                keys = params.get("lookup_keys") or []
                keys = keys if isinstance(keys, list) else [keys]
                items = [
                    p for p in self.objects["price"].values() if not keys or p["lookup_key"] in keys
                ]
                return 200, self._list(items, "/v1/prices")
            if segments == ["subscriptions"] and method == "GET":
                items = [
                    s
                    for s in self.objects["subscription"].values()
                    if (not params.get("customer") or s["customer"] == params["customer"])
                    and (params.get("status") in (None, "all") or s["status"] == params["status"])
                ]
                return 200, self._list(items, "/v1/subscriptions")
            if segments == ["checkout", "sessions"] and method == "POST":
                session_id = self.new_id("cs_test")
                obj = {
                    **self._base(session_id, "checkout.session"),
                    "mode": params.get("mode"),
                    "customer": params.get("customer"),
                    "client_reference_id": params.get("client_reference_id"),
                    "line_items": params.get("line_items"),
                    "success_url": params.get("success_url"),
                    "cancel_url": params.get("cancel_url"),
                    "url": f"https://checkout.stripe.com/c/pay/{session_id}",
                    "status": "open",
                    "payment_status": "unpaid",
                    "subscription": None,
                }
                self.objects["checkout.session"][session_id] = obj
                return 200, obj
            if segments == ["billing_portal", "sessions"] and method == "POST":
                portal_id = self.new_id("bps")
                return 200, {
                    **self._base(portal_id, "billing_portal.session"),
                    "customer": params.get("customer"),
                    "return_url": params.get("return_url"),
                    "url": f"https://billing.stripe.com/p/session/{portal_id}",
                }
            if len(segments) == 2 and segments[0] == "subscriptions" and method == "DELETE":
                sub = self.objects["subscription"].get(segments[1])
                if sub is not None:
                    sub["status"] = "canceled"
                    sub["canceled_at"] = int(time.time())
                    return 200, sub
            if len(segments) == 2:
                kind = {
                    "customers": "customer",
                    "products": "product",
                    "prices": "price",
                    "subscriptions": "subscription",
                }.get(segments[0])
                if kind and method == "GET" and segments[1] in self.objects[kind]:
                    return 200, self.objects[kind][segments[1]]
            if (
                len(segments) == 3
                and method == "GET"
                and segments[0]
                in (
                    "customers",
                    "products",
                    "subscriptions",
                )
            ):
                # Sub-collections dj-stripe reads while syncing (features, tax ids...): empty.
                return 200, self._list([], path)
            if (
                len(segments) == 3
                and segments[:2] == ["checkout", "sessions"]
                and segments[2] in self.objects["checkout.session"]
            ):
                return 200, self.objects["checkout.session"][segments[2]]
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": f"No such resource: {path}",
            }
        }

    # Webhooks ------------------------------------------------------------------------------

    def event(self, event_type: str, obj: dict, event_id: str | None = None) -> dict:
        return {
            "id": event_id or self.new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }


def signed_webhook(
    payload: dict, secret: str, *, timestamp: int | None = None
) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe would send (t=…,v1=HMAC-SHA256)."""
    body = json.dumps(payload).encode()
    timestamp = timestamp if timestamp is not None else int(time.time())
    signed = f"{timestamp}.".encode() + body
    signature = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={signature}"
