"""Sentry events reach a DSN with the Django integration on, and carry no personal data."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
import sentry_sdk

from huntaze.sentry import sentry_init


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


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
    dsn = f"http://publickey@127.0.0.1:{sentry_server.server_port}/1"
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

    events = _events(_Collector.received)
    assert events, "no event reached the Sentry server"
    raw = json.dumps(events)
    assert "Kaboom for the test" in raw
    assert user.email not in raw
    assert "203.0.113.9" not in raw
    assert "sessionid" not in raw
    assert events[0]["environment"] == "test"
