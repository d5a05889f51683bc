"""The fans' pages cache.

Public pages are rendered once and kept in the cache (Redis in production) under a version
per handle. Publishing, editing or unpublishing a post, and any change of what fans see of
the creator, bump the version, so the next visit renders afresh. Nothing user-specific is
ever in a cached page.
"""

import hashlib
import uuid

from django.core.cache import cache

PAGE_CACHE_SECONDS = 60 * 60 * 24
# A version outlives the pages stored under it; one that expires only means a fresh render.
# Without an expiry, every made-up handle a visitor tried would stay in Redis for good.
VERSION_SECONDS = 2 * PAGE_CACHE_SECONDS


def _version_key(handle: str) -> str:
    return f"public:v:{handle.lower()}"


def public_cache_version(handle: str) -> str:
    key = _version_key(handle)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex[:12], timeout=VERSION_SECONDS)
        version = cache.get(key)
    return version


def public_cache_invalidate(*handles: str) -> None:
    """Make every cached page of these handles stale at once."""
    for handle in handles:
        if handle:
            cache.set(_version_key(handle), uuid.uuid4().hex[:12], timeout=VERSION_SECONDS)


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
    return cache.get(key)


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
    found = cache.get_many(keys)
    version = found.get(version_key)
    if version is None:
        return None
    if version == guess:
        return found.get(keys[1])
    if len(_versions_seen) > 10_000:
        _versions_seen.clear()
    _versions_seen[handle] = version
    return cache.get(public_page_key(handle=handle, version=version, path=path, language=language))


def public_page_store(key: str, *, body: bytes, content_type: str) -> dict:
    entry = {
        "body": body,
        "content_type": content_type,
        "etag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
    }
    cache.set(key, entry, timeout=PAGE_CACHE_SECONDS)
    return entry
