"""Stripe webhook deliveries refused before processing, for /metrics and alerts."""

from prometheus_client import Counter

WEBHOOK_FAILURES = Counter(
    "huntaze_webhook_failures_total",
    "Stripe webhook deliveries refused before processing, by reason.",
    ["reason"],
)
