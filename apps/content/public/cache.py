"""The fans' pages cache.

Public pages are rendered once and kept in the cache (Redis in production) under a version
per handle. Publishing, editing or unpublishing a post, and any change of what fans see of
the creator, bump the version, so the next visit renders afresh. Nothing user-specific is
ever in a cached page.
"""

import hashlib
import logging
import time
import uuid

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PAGE_CACHE_SECONDS = 60 * 60 * 24
# A version outlives the pages stored under it; one that expires only means a fresh render.
# Without an expiry, every made-up handle a visitor tried would stay in Redis for good.
VERSION_SECONDS = 2 * PAGE_CACHE_SECONDS


# With Redis down, fans' pages are rendered from the database instead. After a failure the
# cache is left alone for a few seconds, so that a Redis that hangs costs one timeout per
# process, not one per call on every page.
CACHE_PAUSE_SECONDS = 5.0
_paused_until = 0.0


def _cache_call(call, default):
    """`call()`, or `default` when Redis fails or failed a moment ago."""
    global _paused_until
    if time.monotonic() < _paused_until:
        return default
    try:
        return call()
    except RedisError as exc:
        _paused_until = time.monotonic() + CACHE_PAUSE_SECONDS
        logger.warning("page cache unavailable, rendering without it: %s", exc)
        return default


def _version_key(handle: str) -> str:
    return f"public:v:{handle.lower()}"


def public_cache_version(handle: str) -> str:
    """The handle's current version ("" when the cache cannot be reached)."""
    key = _version_key(handle)

    def read() -> str:
        version = cache.get(key)
        if version is None:
            cache.add(key, uuid.uuid4().hex[:12], timeout=VERSION_SECONDS)
            version = cache.get(key)
        return version

    return _cache_call(read, "")


def public_cache_invalidate(*handles: str) -> None:
    """Make every cached page of these handles stale at once."""
    for handle in handles:
        if not handle:
            continue
        try:
            cache.set(_version_key(handle), uuid.uuid4().hex[:12], timeout=VERSION_SECONDS)
        except RedisError:
            # The change is saved; only its cached pages could not be marked stale.
            logger.error("could not invalidate the cached pages of @%s", handle, exc_info=True)


def public_page_number(raw: str | None) -> int | None:
    """The page asked for in ?page= (1 when absent), or None when it is not a page number."""
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        return None
    return int(raw)


def public_cache_path(path: str, page: str | None) -> str | None:
    """What a cached page is keyed by: the path and a valid page number, nothing else, so
    made-up query strings cannot fill the cache. None for a page number that is not one."""
    number = public_page_number(page)
    if number is None:
        return None
    return path if number == 1 else f"{path}?page={number}"


def public_page_key(*, handle: str, version: str, path: str, language: str) -> str:
    digest = hashlib.sha256(path.encode()).hexdigest()[:16]
    return f"public:page:{handle.lower()}:{version}:{language}:{digest}"


def public_page_cached(key: str) -> dict | None:
    return _cache_call(lambda: cache.get(key), None)


# Each process remembers the last version it saw per handle, so a cache hit usually costs one
# round trip (version and page fetched together). A stale memo only costs a second trip.
_versions_seen: dict[str, str] = {}


def public_page_lookup(*, handle: str, path: str, language: str) -> dict | None:
    """The cached page for this path, or None (the view then renders and stores it)."""
    handle = handle.lower()
    version_key = _version_key(handle)
    guess = _versions_seen.get(handle)
    keys = [version_key]
    if guess:
        keys.append(public_page_key(handle=handle, version=guess, path=path, language=language))
    found = _cache_call(lambda: cache.get_many(keys), {})
    version = found.get(version_key)
    if version is None:
        return None
    if version == guess:
        return found.get(keys[1])
    if len(_versions_seen) > 10_000:
        _versions_seen.clear()
    _versions_seen[handle] = version
    key = public_page_key(handle=handle, version=version, path=path, language=language)
    return _cache_call(lambda: cache.get(key), None)


def public_page_entry(
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    *,
    creator_id: int | None = None,
    content_id: int | None = None,
) -> dict:
    """A page as the cache keeps it, with whose page it is so that hits count as views."""
    return {
        "body": body,
        "content_type": content_type,
        "etag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        "creator_id": creator_id,
        "content_id": content_id,
    }


def public_page_store(
    key: str,
    *,
    body: bytes,
    content_type: str,
    creator_id: int | None = None,
    content_id: int | None = None,
) -> dict:
    entry = public_page_entry(body, content_type, creator_id=creator_id, content_id=content_id)
    _cache_call(lambda: cache.set(key, entry, timeout=PAGE_CACHE_SECONDS), None)
    return entry
