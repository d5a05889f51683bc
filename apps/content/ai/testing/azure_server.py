"""A local server speaking the Azure OpenAI chat-completions protocol (and the plain OpenAI
one), for the tests and for `ai_bench`. The real `openai` SDK talks to it over HTTP.

It follows the accounting rules of docs/ai.md so that benchmark figures are comparable:
- tokens of a text = ceil(UTF-8 bytes / 4); each chat message adds 4 tokens;
- prompt caching per deployment: under 1,024 prompt tokens nothing is cached; otherwise the
  cached count is the longest prefix shared with a prompt seen on that deployment in the last
  5 minutes, rounded down to 1,024 + a multiple of 128;
- output tokens: what the caller scripted for the next request (the benchmark sets each row's
  `output_tokens`), else a short default.

Failures are scripted too: a status with an optional Retry-After, a malformed body, or a delay.
"""

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from apps.core.testing import Exchange, LocalHTTPServer

from ..tokens import prompt_tokens_of, tokens_of

__all__ = ["AzureSimulator", "Scripted", "cached_tokens_for", "prompt_tokens_of", "tokens_of"]

CACHE_WINDOW_SECONDS = 300
CACHE_MIN_TOKENS = 1024
CACHE_STEP_TOKENS = 128
DEFAULT_OUTPUT_TOKENS = 40
_FILLER = "The quick draft flows in your own voice, ready to post. "


def _flatten(messages: list[dict]) -> bytes:
    return b"".join(
        f"<|{m.get('role')}|>{m.get('content') or ''}<|end|>".encode() for m in messages
    )


def _common_prefix(a: bytes, b: bytes) -> int:
    n = min(len(a), len(b))
    if a[:n] == b[:n]:
        return n
    low, high = 0, n  # binary search on the first differing byte
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def cached_tokens_for(prefix_bytes: int, prompt_tokens: int) -> int:
    """The benchmark's rounding: 0 under 1,024 tokens, else 1,024 + a multiple of 128."""
    shared = min(prefix_bytes // 4, prompt_tokens)
    if prompt_tokens < CACHE_MIN_TOKENS or shared < CACHE_MIN_TOKENS:
        return 0
    return CACHE_MIN_TOKENS + ((shared - CACHE_MIN_TOKENS) // CACHE_STEP_TOKENS) * CACHE_STEP_TOKENS


def text_of_tokens(count: int) -> str:
    """ASCII text of exactly `count` tokens under the byte rule."""
    size = count * 4
    return (_FILLER * (size // len(_FILLER) + 1))[:size]


@dataclass
class Scripted:
    status: int = 200
    retry_after: str | None = None
    malformed: bool = False
    delay: float = 0.0
    output_tokens: int | None = None
    text: str | None = None


class AzureSimulator(LocalHTTPServer):
    """Start with `with AzureSimulator() as sim:`; point the SDK at `sim.endpoint`."""

    def __init__(
        self,
        *,
        api_key: str = "sim-key",
        models: dict[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.api_key = api_key
        self.models = models or {"gpt-4o": "gpt-4o", "gpt-4o-mini": "gpt-4o-mini"}
        self.clock = clock
        # Output length of unscripted requests; the benchmark sets it to each row's value.
        self.output_tokens = DEFAULT_OUTPUT_TOKENS
        self.requests: list[dict] = []
        self._script: deque[Scripted] = deque()
        self._seen: dict[str, deque[tuple[float, bytes]]] = {}
        self._lock = threading.Lock()
        super().__init__()
        self.endpoint = self.url

    # Scripting -----------------------------------------------------------------------------

    def script(self, *entries: Scripted) -> None:
        """Queue what the next requests get, in order; unscripted requests succeed."""
        with self._lock:
            self._script.extend(entries)

    def next_output(self, output_tokens: int) -> None:
        self.script(Scripted(output_tokens=output_tokens))

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self._seen.clear()
            self.requests.clear()

    # Accounting ----------------------------------------------------------------------------

    def _cached_tokens(self, deployment: str, messages: list[dict], prompt_tokens: int) -> int:
        flat = _flatten(messages)
        now = self.clock()
        with self._lock:
            seen = self._seen.setdefault(deployment, deque())
            while seen and now - seen[0][0] > CACHE_WINDOW_SECONDS:
                seen.popleft()
            best = max((_common_prefix(flat, earlier) for _at, earlier in seen), default=0)
            seen.append((now, flat))
        return cached_tokens_for(best, prompt_tokens)

    # HTTP ----------------------------------------------------------------------------------

    @staticmethod
    def _error(exchange: Exchange, status: int, message: str, headers: dict | None = None):
        code = {429: "429", 401: "401", 404: "DeploymentNotFound"}.get(status, str(status))
        exchange.reply_json(status, {"error": {"code": code, "message": message}}, headers)

    def handle(self, exchange: Exchange) -> None:
        if exchange.method != "POST":
            return self._error(exchange, 405, "Use POST.")
        segments = exchange.path.strip("/").split("/")
        try:
            request = json.loads(exchange.body or b"{}")
        except ValueError:
            return self._error(exchange, 400, "Request body is not JSON.")
        if segments[:2] == ["openai", "deployments"] and segments[3:] == ["chat", "completions"]:
            if "api-version" not in exchange.query:
                return self._error(exchange, 400, "Missing required query parameter api-version.")
            if exchange.headers.get("api-key") != self.api_key:
                return self._error(exchange, 401, "Access denied due to invalid subscription key.")
            deployment = segments[2]
        elif exchange.path.rstrip("/").endswith("/chat/completions"):
            if exchange.headers.get("Authorization") != f"Bearer {self.api_key}":
                return self._error(exchange, 401, "Incorrect API key provided.")
            deployment = request.get("model", "")
        else:
            return self._error(exchange, 404, f"No route for {exchange.path}.")
        if deployment not in self.models:
            return self._error(exchange, 404, f"The deployment {deployment} does not exist.")
        return self._serve(exchange, deployment, request)

    def _serve(self, exchange: Exchange, deployment: str, request: dict) -> None:
        with self._lock:
            step = self._script.popleft() if self._script else Scripted()
        self.requests.append({"deployment": deployment, "body": request, "status": step.status})
        if step.delay:
            time.sleep(step.delay)
        if step.status != 200:
            headers = {"Retry-After": step.retry_after} if step.retry_after else {}
            return self._error(exchange, step.status, "Simulated failure.", headers)
        messages = request.get("messages") or []
        prompt_tokens = prompt_tokens_of(messages)
        cached = self._cached_tokens(deployment, messages, prompt_tokens)
        wanted = step.output_tokens if step.output_tokens is not None else self.output_tokens
        text = step.text if step.text is not None else text_of_tokens(wanted)
        completion_tokens = tokens_of(text)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached},
        }
        model = self.models[deployment]
        ident = f"chatcmpl-sim{len(self.requests)}"
        created = int(self.clock())
        if step.malformed:
            return exchange.reply(200, b'{"id": "broken", "choices": [ {"message": ')
        if not request.get("stream"):
            return exchange.reply_json(
                200,
                {
                    "id": ident,
                    "object": "chat.completion",
                    "created": created,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                },
            )
        handler = exchange.handler
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        handler.send_header("Connection", "close")
        handler.end_headers()

        def send(obj: dict | str) -> None:
            data = obj if isinstance(obj, str) else json.dumps(obj)
            handler.wfile.write(f"data: {data}\n\n".encode())
            handler.wfile.flush()

        base = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model}
        words = text.split(" ")
        for index, word in enumerate(words):
            piece = word if index == len(words) - 1 else word + " "
            send({**base, "choices": [{"index": 0, "delta": {"content": piece}}]})
        send({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if (request.get("stream_options") or {}).get("include_usage"):
            send({**base, "choices": [], "usage": usage})
        send("[DONE]")
        handler.close_connection = True
        return None
