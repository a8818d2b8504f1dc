"""A fixed-window rate limit in the cache (Redis in production, memory on a laptop)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind a proxy (PERVICHKA_BEHIND_PROXY) the proxy's header counts."""
    if getattr(settings, "PERVICHKA_BEHIND_PROXY", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _count(store, cache_key: str, timeout: int, cost: int) -> int | None:
    store.add(cache_key, 0, timeout)
    try:
        return store.incr(cache_key, cost)
    except ValueError:  # expired between add and incr
        store.set(cache_key, cost, timeout)
        return cost


def hit(scope: str, key: str, *, limit: int, window_seconds: int, cost: int = 1) -> bool:
    """Count `cost` uses (one by default); True while the key has used at most `limit` in
    the current window.

    Fails safe: when the shared cache (Redis) is unreachable its client answers None
    (IGNORE_EXCEPTIONS), and the use is counted in this process's memory instead, so the
    form keeps working and a flood is still limited, per process.
    """
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    count = _count(cache, cache_key, window_seconds + 5, cost)
    if count is None:
        count = _count(caches["local"], cache_key, window_seconds + 5, cost)
    return count <= limit
