"""Series read when /metrics is scraped: how many tasks wait in the Celery queue."""

import logging

import redis
from django.conf import settings
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

QUEUES = ("celery",)


class CeleryQueueDepth(Collector):
    """The length of each Celery queue in the Redis broker (nothing with another broker,
    or when the broker does not answer within a second)."""

    def collect(self):
        url = settings.CELERY_BROKER_URL
        if not url.startswith(("redis://", "rediss://")):
            return
        gauge = GaugeMetricFamily(
            "huntaze_celery_queue_depth", "Tasks waiting in a Celery queue.", labels=["queue"]
        )
        try:
            client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
            for queue in QUEUES:
                gauge.add_metric([queue], client.llen(queue))
        except redis.RedisError:
            logger.warning("queue depth unavailable: the broker did not answer")
            return
        yield gauge


_registered = False


def register_collectors() -> None:
    global _registered
    if not _registered:
        REGISTRY.register(CeleryQueueDepth())
        _registered = True
