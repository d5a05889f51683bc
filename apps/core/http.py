from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The visitor's address, by the same rule as the log-in rate limits: behind
    TRUSTED_PROXY_COUNT proxies, the entry those proxies added to X-Forwarded-For (the
    entries before it are the client's to make up); with no proxy, the socket's address."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):
        # A request that did not come through the proxies (a health check, say).
        return request.META.get("REMOTE_ADDR", "")
