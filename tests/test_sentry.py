"""Sentry events reach a DSN with the Django integration on, and carry no personal data."""

import gzip
import json

import brotli
import pytest
import sentry_sdk

from apps.core.testing import Exchange, LocalHTTPServer
from huntaze.sentry import sentry_init


class _Collector(LocalHTTPServer):
    """Sentry's envelope endpoint: keeps every (decompressed) body it receives."""

    def __init__(self):
        self.received: list[bytes] = []
        super().__init__()

    def handle(self, exchange: Exchange) -> None:
        body = exchange.body
        encoding = exchange.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.received.append(body)
        exchange.reply_json(200, {})


@pytest.fixture
def sentry_server():
    with _Collector() as server:
        yield server


def _events(payloads: list[bytes]) -> list[dict]:
    events = []
    for payload in payloads:
        for line in payload.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if "exception" in item:
                events.append(item)
    return events


@pytest.mark.django_db
def test_errors_reach_sentry_without_personal_data(sentry_server, client, user, settings):
    dsn = sentry_server.url.replace("http://", "http://publickey@") + "/1"
    sentry_init(dsn=dsn, environment="test", traces_sample_rate=0.0, profiles_sample_rate=0.0)
    try:
        client.force_login(user)
        client.raise_request_exception = False
        settings.ROOT_URLCONF = "tests.sentry_urls"
        response = client.get("/boom/?email=secret@example.com", REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 500
        sentry_sdk.flush(timeout=5)
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # back to a disabled client for the rest of the run

    events = _events(sentry_server.received)
    assert events, "no event reached the Sentry server"
    raw = json.dumps(events)
    assert "Kaboom for the test" in raw
    assert user.email not in raw
    assert "203.0.113.9" not in raw
    assert "sessionid" not in raw
    assert events[0]["environment"] == "test"
    # The event names the request it came from, as the response and the log lines do.
    assert events[0]["tags"]["request_id"] == response["X-Request-ID"]
