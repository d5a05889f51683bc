import os

import pytest
import stripe
from django.core.management import call_command

from tests.factories import UserFactory
from tests.fakes.stripe_api import FakeStripe

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(variable: str) -> str:
    """The URL of a real service. Missing: skip on a laptop, fail in CI."""
    url = os.environ.get(variable, "")
    if not url:
        message = f"{variable} is not set; this test needs the real service."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return url


# A cache whose Redis is nowhere (nothing listens on port 1): for "Redis is down" tests.
REDIS_NOWHERE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_url() -> str:
    return require_service("REDIS_URL")


@pytest.fixture(autouse=True)
def _fresh_plans():
    from apps.subscriptions.plans import plans_forget

    plans_forget()
    yield
    plans_forget()


@pytest.fixture(autouse=True)
def _fresh_storage_check():
    """/readyz reuses its storage check for a minute; each test checks afresh."""
    from apps.analytics.health import storage_check_forget

    storage_check_forget()
    yield


@pytest.fixture(autouse=True)
def _default_language_and_zone():
    """Requests leave their language and time zone active on the thread; each test starts
    from the site's defaults, whatever ran before it."""
    from django.conf import settings
    from django.utils import timezone, translation

    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()
    yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache namespace of its own worker."""
    from django.conf import settings
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        # RedisCache.clear() flushes the whole database, broker queues included: delete only
        # this worker's keys.
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    from apps.analytics.services import analytics_state_forget
    from apps.content.public import cache as page_cache

    analytics_state_forget()
    page_cache._paused_until = 0.0  # a test that stopped Redis leaves the page cache paused
    yield


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True, role="fan", handle=None)


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def queries_of():
    """Run `fetch()` and return (its result, the number of database queries it made)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure(fetch):
        with CaptureQueriesContext(connection) as context:
            result = fetch()
        return result, len(context)

    return measure


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
