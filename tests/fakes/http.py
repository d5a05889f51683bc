"""A local server answering from a table of routes, for outside services met at the HTTP
layer in tests (OAuth providers and the like)."""

from collections.abc import Callable

from apps.core.testing import Exchange, LocalHTTPServer

Handler = Callable[[Exchange], tuple[int, object]]


class RouteServer(LocalHTTPServer):
    """Serve `routes[(method, path)] -> handler(exchange) -> (status, json_body)` on 127.0.0.1;
    every request is kept in `requests`."""

    def __init__(self, routes: dict[tuple[str, str], Handler]):
        self.routes = routes
        self.requests: list[Exchange] = []
        super().__init__()

    def handle(self, exchange: Exchange) -> None:
        self.requests.append(exchange)
        handler = self.routes.get((exchange.method, exchange.path))
        status, body = handler(exchange) if handler else (404, {"error": "not found"})
        exchange.reply_json(status, body)
