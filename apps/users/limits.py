"""Limits that depend on the user's plan. The subscriptions app fills this in at start-up, so
that this app imports no other app."""

from collections.abc import Callable

DEFAULT_MAX_LINKS = 5
_max_links: Callable[[object], int] = lambda user: DEFAULT_MAX_LINKS  # noqa: E731


def register_max_links(provider: Callable[[object], int]) -> None:
    global _max_links
    _max_links = provider


def max_links_for(user) -> int:
    return _max_links(user)
