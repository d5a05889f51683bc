from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    deployment: str
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    latency_ms: float
    billable: bool = True  # the offline provider's drafts cost nothing


@dataclass(frozen=True)
class StreamEvent:
    """A piece of streamed text, or (last) the finished completion with its usage."""

    delta: str = ""
    completion: Completion | None = None


class ProviderError(Exception):
    """The provider could not answer after its retries. `retryable` says whether another
    deployment may succeed (rate limits, server errors, timeouts) or not (bad request)."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


class Provider(Protocol):
    name: str

    def complete(
        self, *, deployment: str, model: str, messages: list[dict], max_tokens: int
    ) -> Completion: ...

    def stream(
        self, *, deployment: str, model: str, messages: list[dict], max_tokens: int
    ) -> Iterator[StreamEvent]: ...
