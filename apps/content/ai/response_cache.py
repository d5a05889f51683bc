"""Exact-match response cache in the Django cache (Redis in production), scoped per creator.

The key covers the deployment, the prompt version, every message and the parameters, so any
change to the persona, the prompt text or the request is a miss. Expiry is checked against the
service's clock as well as by the cache itself, so a simulated clock is honoured.
"""

import contextlib
import hashlib
import json

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

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


def response_cache_write(values: dict, *, count_key: str) -> None:
    """Store answers and count one more charged request, in one round trip on Redis.

    The count goes up with an atomic INCR, so requests finishing together never lose one.
    If the count had expired, INCR would restart it at 1: the key is dropped instead and the
    next request counts from the ledger again.
    """
    ttl = settings.AI_RESPONSE_CACHE_TTL
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        serializer = backend._cache._serializer
        counter = backend.make_and_validate_key(count_key)
        pipe = client.pipeline(transaction=False)
        for key, value in values.items():
            pipe.set(backend.make_and_validate_key(key), serializer.dumps(value), ex=ttl)
        pipe.incr(counter)
        pipe.expire(counter, QUOTA_COUNT_TTL)
        results = pipe.execute()
        if results[len(values)] == 1:
            client.delete(counter)
        return
    if values:
        cache.set_many(values, timeout=ttl)
    # Not counted in the cache yet: the next request counts from the ledger.
    with contextlib.suppress(ValueError):
        cache.incr(count_key)
