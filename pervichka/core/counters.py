"""Version counters in the shared cache: what a cached value's key is built from, so that
bumping the counter makes every process read afresh.

A counter starts from the clock, never from a number used before: after an eviction (or on
first use) it cannot return to a value under which old entries may still be cached. While
the cache is unreachable (its client answers None), the value is the clock, so nothing
stale is read.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def counter_value(key: str) -> int:
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns(), None)
        value = cache.get(key)
    return int(value) if value is not None else time.time_ns()


def counter_bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there yet, or evicted
        cache.set(key, time.time_ns(), None)
