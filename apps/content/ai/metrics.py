"""The AI engine's Prometheus series, exported at /metrics with django-prometheus's.

Labels stay few and bounded: the model, the router's reason without its figures, the
outcome. Counters are per process, like django-prometheus's own."""

from prometheus_client import Counter

AI_REQUESTS = Counter(
    "huntaze_ai_requests_total",
    "AI requests recorded in the ledger.",
    ["model", "reason", "status", "cache"],
)
AI_TOKENS = Counter("huntaze_ai_tokens_total", "Tokens of AI requests.", ["model", "kind"])
AI_COST = Counter("huntaze_ai_cost_usd_total", "Cost of AI requests, in US dollars.", ["model"])


def reason_category(reason: str) -> str:
    """'critical (p=0.93); long form (p=0.71, ~900 words)' -> 'critical'."""
    first = (reason or "").split(";", 1)[0]
    return first.split("(", 1)[0].strip().removesuffix(",") or "unknown"


def ai_usage_observe(record) -> None:
    """Count one ledger row (called as it is written)."""
    model = record.model or "none"
    AI_REQUESTS.labels(
        model=model,
        reason=reason_category(record.route_reason),
        status=record.status,
        cache="hit" if record.cache_hit else "miss",
    ).inc()
    for kind in ("prompt", "cached", "completion"):
        tokens = getattr(record, f"{kind}_tokens") or 0
        if tokens:
            AI_TOKENS.labels(model=model, kind=kind).inc(tokens)
    if record.cost_usd:
        AI_COST.labels(model=model).inc(float(record.cost_usd))
