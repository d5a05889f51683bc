from celery import shared_task

from .services import subscriptions_reconcile
from .stripe_client import stripe_enabled


@shared_task(ignore_result=True)
def reconcile_subscriptions() -> int:
    """Nightly: correct any tier that drifted from Stripe. Idempotent."""
    if not stripe_enabled():
        return 0
    return len(subscriptions_reconcile())
