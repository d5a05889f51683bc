"""Create the Stripe products and prices for our paid plans (in a new Stripe account), then let
dj-stripe sync them. Safe to run again: existing lookup keys are left alone."""

import stripe
from django.core.management.base import BaseCommand, CommandError
from djstripe.models import Price, Product

from apps.subscriptions.plans import plan_list
from apps.subscriptions.stripe_client import stripe_enabled, stripe_options


class Command(BaseCommand):
    help = "Create Stripe products and monthly prices for the paid plans, by lookup key."

    def handle(self, *args, **options):
        if not stripe_enabled():
            raise CommandError("Set STRIPE_SECRET_KEY first.")
        for plan in plan_list():
            if not plan.stripe_lookup_key:
                continue
            existing = stripe.Price.list(
                lookup_keys=[plan.stripe_lookup_key], active=True, **stripe_options()
            ).data
            if existing:
                price = existing[0]
                self.stdout.write(f"{plan.name}: price {price.id} already exists")
            else:
                product = stripe.Product.create(
                    name=f"Huntaze {plan.name}",
                    metadata={"plan": plan.key},
                    idempotency_key=f"product:{plan.key}",
                    **stripe_options(),
                )
                price = stripe.Price.create(
                    product=product.id,
                    unit_amount=plan.price_month_cents,
                    currency="usd",
                    recurring={"interval": "month"},
                    lookup_key=plan.stripe_lookup_key,
                    idempotency_key=f"price:{plan.stripe_lookup_key}:{plan.price_month_cents}",
                    **stripe_options(),
                )
                self.stdout.write(self.style.SUCCESS(f"{plan.name}: created {price.id}"))
            Product.sync_from_stripe_data(
                stripe.Product.retrieve(price.product, **stripe_options())
            )
            Price.sync_from_stripe_data(price)
