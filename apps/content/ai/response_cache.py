"""Exact-match response cache in the Django cache (Redis in production), scoped per creator.

The key covers the deployment, the prompt version, every message and the parameters, so any
change to the persona, the prompt text or the request is a miss. Expiry is checked against the
service's clock as well as by the cache itself, so a simulated clock is honoured.
"""

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


def response_cache_write(values: dict) -> None:
    """One round trip for the response and the caller's companions (pipelined on Redis)."""
    cache.set_many(values, timeout=settings.AI_RESPONSE_CACHE_TTL)
