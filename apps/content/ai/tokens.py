"""Token counts by the benchmark's rule (docs/ai.md), where no provider reports them:
ceil(UTF-8 bytes / 4), and 4 more per chat message."""

import math

MESSAGE_OVERHEAD_TOKENS = 4


def tokens_of(text: str) -> int:
    return math.ceil(len(text.encode()) / 4)


def prompt_tokens_of(messages: list[dict]) -> int:
    return sum(tokens_of(m.get("content") or "") + MESSAGE_OVERHEAD_TOKENS for m in messages)
