"""Our handlers for Stripe events, called by dj-stripe after it verified the signature and
stored the event (a duplicate event never reaches them)."""

from djstripe.event_handlers import djstripe_receiver

from .services import checkout_completed, subscription_sync_tier


@djstripe_receiver("checkout.session.completed")
def on_checkout_completed(sender, event, **kwargs) -> None:
    checkout_completed(session=event.data["object"])


@djstripe_receiver(
    [
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.payment_succeeded",
        "invoice.payment_failed",
    ]
)
def on_subscription_change(sender, event, **kwargs) -> None:
    customer_id = event.data["object"].get("customer")
    if customer_id:
        subscription_sync_tier(customer_id=customer_id)
