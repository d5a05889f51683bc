"""The embedded default: deterministic drafts, clearly marked, with no network at all."""

import hashlib
import time
from collections.abc import Iterator

from ..tokens import prompt_tokens_of, tokens_of
from .base import Completion, StreamEvent

OFFLINE_NOTICE = "[Offline draft — connect an AI provider for real writing]"


class OfflineProvider:
    name = "offline"

    def _draft(self, messages: list[dict]) -> str:
        request = messages[-1]["content"].strip()
        digest = hashlib.sha256(request.encode()).hexdigest()[:6]
        first_line = request.splitlines()[0][:160] if request else ""
        return (
            f"{OFFLINE_NOTICE}\n\n"
            f"Draft {digest} for: {first_line}\n"
            "This placeholder shows where the AI's text will appear. Edit it, save it to your "
            "library, or regenerate once a provider is configured."
        )

    def complete(
        self, *, deployment: str, model: str, messages: list[dict], max_tokens: int
    ) -> Completion:
        started = time.perf_counter()
        text = self._draft(messages)
        return Completion(
            text=text,
            model=model,
            deployment=deployment,
            prompt_tokens=prompt_tokens_of(messages),
            cached_tokens=0,
            completion_tokens=tokens_of(text),
            latency_ms=(time.perf_counter() - started) * 1000,
            billable=False,
        )

    def stream(
        self, *, deployment: str, model: str, messages: list[dict], max_tokens: int
    ) -> Iterator[StreamEvent]:
        completion = self.complete(
            deployment=deployment, model=model, messages=messages, max_tokens=max_tokens
        )
        for word in completion.text.split(" "):
            yield StreamEvent(delta=word + " ")
        yield StreamEvent(completion=completion)
