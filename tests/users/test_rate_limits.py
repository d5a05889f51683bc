"""Log-in limits live in the shared cache and fail closed."""

import pytest
from django.test import Client, override_settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def test_repeated_failures_on_one_account_are_refused(client, user):
    for _attempt in range(5):
        response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
        assert response.status_code == 200
    # Even the right password is refused once the account's limit is reached.
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.redis
def test_limits_are_shared_through_redis(client, user, redis_url, settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    from django.core.cache import cache

    keys = list(cache._cache.get_client().scan_iter(match="*allauth*"))
    assert keys, "allauth did not record the failed attempt in Redis"


def test_log_in_is_refused_with_503_when_the_cache_is_down(client, user):
    with override_settings(CACHES=DEAD_REDIS):
        response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Back in a moment" in response.content.decode()
    assert "_auth_user_id" not in client.session


BALANCER = {"REMOTE_ADDR": "10.0.0.2"}
ATTACKER = "203.0.113.9"


def _attack() -> None:
    # Every request reaches the app from the balancer's address; the balancer appends the
    # real client's address to X-Forwarded-For, after whatever the client sent itself.
    attacker = Client()
    for attempt in range(12):
        attacker.post(
            "/accounts/login/",
            {"login": f"nobody{attempt}@example.com", "password": "wrong"},
            headers={"x-forwarded-for": f"198.51.100.{attempt}, {ATTACKER}"},
            **BALANCER,
        )


def _honest_log_in(user) -> Client:
    honest = Client()
    honest.post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD},
        headers={"x-forwarded-for": "192.0.2.44"},
        **BALANCER,
    )
    return honest


def test_without_the_proxy_count_one_client_locks_everyone_out(user, settings):
    # The security review's finding, kept as the reason for TRUSTED_PROXY_COUNT.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    _attack()
    assert "_auth_user_id" not in _honest_log_in(user).session


def test_behind_the_balancer_one_client_cannot_lock_everyone_out(client, user, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    _attack()
    assert "_auth_user_id" in _honest_log_in(user).session
    attacker = ATTACKER
    balancer = BALANCER
    # The attacker, whatever addresses they make up, is the one who is limited.
    response = client.post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD},
        headers={"x-forwarded-for": f"198.51.100.200, {attacker}"},
        **balancer,
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_proxies_named_by_network_protect_the_same_way(client, user, settings):
    import ipaddress

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    _attack()
    assert "_auth_user_id" in _honest_log_in(user).session
    response = client.post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD},
        headers={"x-forwarded-for": f"198.51.100.201, {ATTACKER}"},
        **BALANCER,
    )
    assert "Too many failed login attempts" in response.content.decode()
    # A request that did not come through the proxies is known by its own address.
    from apps.core.http import client_ip_behind

    networks = settings.TRUSTED_PROXY_NETWORKS
    assert client_ip_behind("198.51.100.9", "1.2.3.4", networks) == "198.51.100.9"
    assert client_ip_behind("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.1.1.1", networks) == (
        "203.0.113.9"
    )
