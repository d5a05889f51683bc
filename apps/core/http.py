import ipaddress

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def client_ip_behind(remote_addr: str, forwarded_for: str, networks) -> str:
    """The client's address behind proxies known by their networks: walking back from the
    socket's address through X-Forwarded-For, the first address that is not a proxy's.
    Entries before it are the client's to make up and are never read."""
    chain = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    candidates = [remote_addr, *reversed(chain)]
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            return candidate  # not an address: never a proxy of ours, so the client's entry
        if not any(address in network for network in networks):
            return candidate
    return candidates[-1]


def client_ip(request: HttpRequest) -> str:
    """The visitor's address, by the same rule as the log-in rate limits (TRUSTED_PROXIES:
    behind a count of proxies, the entry the nearest one added to X-Forwarded-For; behind
    proxies known by network, the nearest address outside them; with no proxy, the
    socket's address)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):
        # A request that did not come through the proxies (a health check, say).
        return request.META.get("REMOTE_ADDR", "")
