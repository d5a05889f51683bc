"""Request metrics for the ops dashboard: count, server errors and a latency histogram per
route group and hour, counted in Redis in the same round trip as the request's
analytics (a fan's page view), then rolled up by `rollup.analytics_flush`."""

import logging
import time

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from apps.core.request_id import current_request_id

from .models import ErrorReport
from .services import counting_in_redis, counts_add, redis_key

logger = logging.getLogger(__name__)

# Upper bounds (ms) of the latency buckets; a last bucket takes anything slower.
LATENCY_BUCKETS_MS = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)

# First match wins; paths of no group (health checks, static files) are not measured.
ROUTE_GROUPS = (
    ("/@", "public"),
    ("/p/", "public"),
    ("/feed/", "public"),
    ("/api/", "api"),
    ("/studio/", "studio"),
    ("/content/", "content"),
    ("/dashboard/", "dashboard"),
    ("/analytics/", "analytics"),
    ("/settings/", "settings"),
    ("/billing/", "billing"),
    ("/pricing/", "billing"),
    ("/stripe/", "webhooks"),
    ("/accounts/", "accounts"),
    ("/admin/", "admin"),
    ("/ops/", "ops"),
)
UNMEASURED = ("/healthz", "/readyz", "/metrics", "/static/", "/favicon")


def route_group(path: str) -> str:
    """The group a path is measured under; "" for paths that are not measured."""
    if path.startswith(UNMEASURED):
        return ""
    for prefix, group in ROUTE_GROUPS:
        if path.startswith(prefix):
            return group
    return "other"


def latency_bucket(ms: float) -> int:
    for index, bound in enumerate(LATENCY_BUCKETS_MS):
        if ms <= bound:
            return index
    return len(LATENCY_BUCKETS_MS)


def _request_operations(*, group: str, ms: float, status: int) -> list[tuple[str, str, str]]:
    key = redis_key("req", timezone.now().strftime("%Y%m%d%H"))
    operations = [("H", key, f"{group}|n"), ("H", key, f"{group}|b{latency_bucket(ms)}")]
    if status >= 500:
        operations.append(("H", key, f"{group}|e"))
    return operations


def _error_report(request: HttpRequest, *, group: str, status: int) -> None:
    """Keep a server error for the ops dashboard (never fails the response)."""
    try:
        import sentry_sdk

        sentry_id = sentry_sdk.last_event_id() or ""
    except ImportError:  # pragma: no cover - sentry-sdk is a requirement
        sentry_id = ""
    try:
        ErrorReport.objects.create(
            group=group or "other",
            method=request.method[:10],
            path=request.path[:200],
            status=status,
            exception=getattr(request, "analytics_exception", "")[:200],
            request_id=current_request_id()[:64],
            sentry_event_id=sentry_id[:64],
        )
    except DatabaseError:
        logger.warning("server error not kept for the ops dashboard: the database failed")


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request.analytics_pending = []
        response = self.get_response(request)
        ms = (time.perf_counter() - started) * 1000
        group = route_group(request.path_info)
        pending = request.analytics_pending
        if group and counting_in_redis():
            pending += _request_operations(group=group, ms=ms, status=response.status_code)
        if response.status_code >= 500 and group:
            _error_report(request, group=group, status=response.status_code)
        counts_add(pending)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        request.analytics_exception = f"{type(exception).__module__}.{type(exception).__name__}"
