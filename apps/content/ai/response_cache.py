"""Exact-match response cache in the Django cache (Redis in production), scoped per creator.

The key covers the deployment, the prompt version, every message and the parameters, so any
change to the persona, the prompt text or the request is a miss. Expiry is checked against the
service's clock as well as by the cache itself, so a simulated clock is honoured.
"""

import contextlib
import hashlib
import json

from django.conf import settings
from django.core.cache import cache

from .prompts import PROMPT_VERSION


def response_cache_key(*, user_id: int, deployment: str, messages: list[dict], params: dict) -> str:
    material = json.dumps(
        {"v": PROMPT_VERSION, "d": deployment, "m": messages, "p": params},
        sort_keys=True,
        ensure_ascii=False,
    )
    digest = hashlib.sha256(material.encode()).hexdigest()
    return f"ai:resp:{user_id}:{digest}"


def response_cache_read(keys: list[str]) -> dict:
    """One round trip for the response and whatever else the caller needs with it."""
    return cache.get_many(keys)


def response_cache_valid(entry: dict | None, *, now: float) -> dict | None:
    if entry is None or now - entry["stored_at"] > settings.AI_RESPONSE_CACHE_TTL:
        return None
    return entry


def response_cache_entry(*, now: float, text: str, model: str) -> dict:
    return {"stored_at": now, "text": text, "model": model}


QUOTA_COUNT_TTL = 60 * 60


def quota_count_remember(key: str, used: int) -> None:
    """Keep a month's charged-request count (just counted from the ledger) for an hour."""
    cache.add(key, used, timeout=QUOTA_COUNT_TTL)


def quota_reserve(key: str, *, count_from_ledger, limit: int) -> bool:
    """Count one more request against the month, atomically, before the provider is called.

    False (and nothing counted) when it would pass `limit`. The count lives in the cache
    (an INCR on Redis, so parallel requests cannot all take the last one); when it is not
    there it starts from the ledger, and of several requests starting it at once one wins.
    Give the request back with quota_release when the call fails.
    """
    try:
        used = cache.incr(key)
    except ValueError:
        cache.add(key, count_from_ledger(), timeout=QUOTA_COUNT_TTL)
        used = cache.incr(key)
    if used > limit:
        quota_release(key)
        return False
    return True


def quota_release(key: str) -> None:
    """Give back a request quota_reserve counted (the call failed, nothing is charged)."""
    # Gone (expired) means the next request counts from the ledger, which never had it.
    with contextlib.suppress(ValueError):
        cache.decr(key)


def response_cache_write(values: dict) -> None:
    """Store answers for next time (the request itself was counted by quota_reserve)."""
    if values:
        cache.set_many(values, timeout=settings.AI_RESPONSE_CACHE_TTL)
