"""Billing references in the personal-data registry (apps/users/privacy.py).

Stripe keeps the invoices, as the law asks; here only dj-stripe's copies point at a user.
Deleting an account cancels its subscriptions at Stripe first (services.billing_cancel_all)."""

from djstripe.models import Customer, Subscription

from apps.users.privacy import DELETE, PersonalData, personal_data_register


def register_billing() -> None:
    personal_data_register(
        PersonalData(
            Customer,
            owner="subscriber",
            erase=DELETE,
            export="billing/stripe_customers.json",
            fields=("id", "livemode", "created", "email"),
        )
    )
    personal_data_register(
        PersonalData(
            Subscription,
            owner="customer__subscriber",
            erase=DELETE,
            export="billing/stripe_subscriptions.json",
            fields=("id", "livemode", "created", "stripe_data"),
        )
    )
