"""The base of the local HTTP servers that stand in for outside services, so the real SDKs
talk to them over real HTTP: the Azure OpenAI protocol server (apps/content/ai/testing/, also
used by `ai_bench`), the fake Stripe API and the OAuth providers (tests/fakes/).

A server listens on 127.0.0.1 at a free port, in a thread, for the length of a `with` block.
Subclasses answer each request in `handle(exchange)`."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Exchange:
    """One request as the server read it, and the ways to answer it."""

    handler: BaseHTTPRequestHandler
    method: str
    path: str
    raw_query: str
    headers: object
    body: bytes
    query: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, handler: BaseHTTPRequestHandler) -> "Exchange":
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        return cls(
            handler=handler,
            method=handler.command,
            path=parts.path,
            raw_query=parts.query,
            headers=handler.headers,
            body=handler.rfile.read(length) if length else b"",
            query=parse_qs(parts.query),
        )

    @property
    def form(self) -> dict[str, str]:
        """An url-encoded body as a flat dict (first value of each field)."""
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    def reply(
        self,
        status: int,
        payload: bytes,
        content_type: str = "application/json",
        headers: dict | None = None,
    ) -> None:
        self.handler.send_response(status)
        self.handler.send_header("Content-Type", content_type)
        self.handler.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.handler.send_header(name, value)
        self.handler.end_headers()
        self.handler.wfile.write(payload)

    def reply_json(self, status: int, body: object, headers: dict | None = None) -> None:
        self.reply(status, json.dumps(body).encode(), headers=headers)


class LocalHTTPServer:
    """A threaded HTTP/1.1 server on 127.0.0.1; `url` is where it answers once started."""

    def __init__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate writes; without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every keep-alive request.
            disable_nagle_algorithm = True

            def _dispatch(self) -> None:
                server.handle(Exchange.read(self))

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

            def log_message(self, *args) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def handle(self, exchange: Exchange) -> None:
        raise NotImplementedError

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
