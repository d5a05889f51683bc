"""/metrics carries Huntaze's own series: AI requests, tokens and cost by model and route
reason, cache hits, webhook failures and the Celery queue depth."""

import pytest
from prometheus_client import REGISTRY

from apps.content.ai.metrics import reason_category
from apps.content.ai.service import ai_generate
from apps.content.ai.testing.azure_server import AzureSimulator, Scripted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"

    def get() -> str:
        response = client.get("/metrics", headers={"authorization": "Bearer scrape-secret"})
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_ai_requests_tokens_cost_and_cache_hits_are_counted(settings, scrape):
    user = UserFactory(tier="pro")
    labels = {"model": "gpt-4o-mini", "reason": "short everyday task", "status": "ok"}
    before_miss = _value("huntaze_ai_requests_total", **labels, cache="miss")
    before_hit = _value("huntaze_ai_requests_total", **labels, cache="hit")
    before_cost = _value("huntaze_ai_cost_usd_total", model="gpt-4o-mini")
    before_out = _value("huntaze_ai_tokens_total", model="gpt-4o-mini", kind="completion")
    with AzureSimulator(api_key="metrics-key") as azure:
        settings.AI_PROVIDER = "azure"
        settings.AZURE_OPENAI_ENDPOINT = azure.endpoint
        settings.AZURE_OPENAI_API_KEY = "metrics-key"
        azure.script(Scripted(output_tokens=12))
        ai_generate(user=user, task="caption", prompt="Caption for my gym selfie")
        ai_generate(user=user, task="caption", prompt="Caption for my gym selfie")  # cached
    assert _value("huntaze_ai_requests_total", **labels, cache="miss") == before_miss + 1
    assert _value("huntaze_ai_requests_total", **labels, cache="hit") == before_hit + 1
    assert _value("huntaze_ai_cost_usd_total", model="gpt-4o-mini") > before_cost
    after_out = _value("huntaze_ai_tokens_total", model="gpt-4o-mini", kind="completion")
    assert after_out >= before_out + 12
    text = scrape()
    for series in (
        "huntaze_ai_requests_total{",
        "huntaze_ai_tokens_total{",
        "huntaze_ai_cost_usd_total{",
        "huntaze_celery_queue_depth{",
    ):
        assert series in text


def test_reasons_are_labels_without_their_figures():
    assert reason_category("critical (p=0.93); long form (p=0.71, ~900 words)") == "critical"
    assert reason_category("maybe critical (p=0.41), so gpt-4o to be safe") == "maybe critical"
    assert reason_category("short everyday task") == "short everyday task"
    assert reason_category("") == "unknown"


def test_refused_webhooks_are_counted_by_reason(client, scrape):
    from djstripe.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        id="we_metrics",
        livemode=False,
        url="https://huntaze.example.com/stripe/webhook/",
        enabled_events=["*"],
        status="enabled",
        secret="whsec_metrics",
        api_version="2024-06-20",
    )
    before = _value("huntaze_webhook_failures_total", reason="no signature")
    response = client.post(
        f"/stripe/webhook/{endpoint.djstripe_uuid}/", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 400
    assert _value("huntaze_webhook_failures_total", reason="no signature") == before + 1
    assert 'huntaze_webhook_failures_total{reason="no signature"}' in scrape()


@pytest.mark.redis
def test_the_queue_depth_is_read_from_the_broker(settings, redis_url, scrape):
    import redis

    # A database of its own: tests with real workers use the "celery" queue of REDIS_URL.
    broker = redis_url.rsplit("/", 1)[0] + "/14"
    settings.CELERY_BROKER_URL = broker
    client = redis.Redis.from_url(broker)
    client.delete("celery")
    client.rpush("celery", "a", "b", "c")
    try:
        assert 'huntaze_celery_queue_depth{queue="celery"} 3.0' in scrape()
    finally:
        client.delete("celery")
