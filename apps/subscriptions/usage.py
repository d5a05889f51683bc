"""What a user has used of their plan's metered limits.

AI requests are counted by the app that makes them (apps/content/ai's ledger), which registers
its counter here at start-up, so this app imports no content code."""

from collections.abc import Callable

_ai_requests_used: Callable[[object], int] = lambda user: 0  # noqa: E731


def register_ai_requests_counter(counter: Callable[[object], int]) -> None:
    global _ai_requests_used
    _ai_requests_used = counter


def ai_requests_used(user) -> int:
    """AI requests the user made this calendar month."""
    return _ai_requests_used(user)
