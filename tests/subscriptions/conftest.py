import pytest
from djstripe.models import WebhookEndpoint

WEBHOOK_SECRET = "whsec_test_secret"


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
