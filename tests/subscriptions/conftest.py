import pytest
import stripe
from django.core.management import call_command
from djstripe.models import WebhookEndpoint

from tests.fakes.stripe_api import FakeStripe

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    """The real stripe SDK (and dj-stripe) talking to the local fake Stripe API."""
    with FakeStripe() as fake:
        settings.STRIPE_SECRET_KEY = "sk_test_51FakeHuntazeKey0123456789abcdef"
        settings.STRIPE_TEST_SECRET_KEY = "sk_test_51FakeHuntazeKey0123456789abcdef"
        settings.STRIPE_LIVE_MODE = False
        monkeypatch.setattr(stripe, "api_base", fake.url)
        call_command("stripe_setup_plans", verbosity=0)
        yield fake


@pytest.fixture
def webhook_endpoint(db):
    return WebhookEndpoint.objects.create(
        id="we_fake",
        livemode=False,
        url="https://huntaze.example.com/stripe/webhook/",
        enabled_events=["*"],
        status="enabled",
        secret=WEBHOOK_SECRET,
        api_version="2024-06-20",
    )
