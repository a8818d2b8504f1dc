"""A fixed-window rate limit in the cache (Redis in production, memory on a laptop)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

try:  # production's shared cache; a laptop or the tests may run with memory only
    from django_redis.cache import RedisCache
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisCache = None
    RedisError = Exception


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind a proxy (PERVICHKA_BEHIND_PROXY) the proxy's header counts."""
    if getattr(settings, "PERVICHKA_BEHIND_PROXY", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _redis_count(store, cache_key: str, timeout: int, cost: int) -> int | None:
    """The shared cache's count in one round trip: the window's key made with its expiry if
    new, and incremented, in one MULTI/EXEC (django-redis's add and incr are two). None
    when Redis is unreachable, as django-redis answers with IGNORE_EXCEPTIONS."""
    key = store.make_key(cache_key)
    try:
        pipe = store.client.get_client(write=True).pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incrby(key, cost)
        return int(pipe.execute()[1])
    except (RedisError, OSError):
        return None


def _count(store, cache_key: str, timeout: int, cost: int) -> int | None:
    if RedisCache is not None and isinstance(store, RedisCache):
        return _redis_count(store, cache_key, timeout, cost)
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
    count = _count(caches["default"], cache_key, window_seconds + 5, cost)
    if count is None:
        count = _count(caches["local"], cache_key, window_seconds + 5, cost)
    return count <= limit
