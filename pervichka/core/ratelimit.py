"""A fixed-window rate limit in the cache (Redis in production, memory on a laptop)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind a proxy (PERVICHKA_BEHIND_PROXY) the proxy's header counts."""
    if getattr(settings, "PERVICHKA_BEHIND_PROXY", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, key: str, *, limit: int, window_seconds: int, cost: int = 1) -> bool:
    """Count `cost` uses (one by default); True while the key has used at most `limit` in
    the current window."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    cache.add(cache_key, 0, window_seconds + 5)
    try:
        count = cache.incr(cache_key, cost)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, cost, window_seconds + 5)
        count = cost
    return count <= limit
