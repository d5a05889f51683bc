import logging
import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from redis.exceptions import RedisError

from apps.core.api import problem_response

logger = logging.getLogger(__name__)


class ServiceUnavailableMiddleware:
    """Turn an unreachable cache into a clear 503 instead of a 500.

    Log-in rate limits live in the cache, so when it is down a log-in is refused rather than
    allowed without limits (fail closed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RedisError):
            return None
        logger.error("cache unavailable on %s", request.path, exc_info=exception)
        if request.path.startswith("/api/"):
            response = problem_response(request, 503, "A service we depend on is down; retry.")
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response


class UserTimezoneMiddleware:
    """Show dates in the signed-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # The thread's next request (a cached fan page answered before this middleware
            # runs, say) must not inherit this user's zone.
            timezone.deactivate()
