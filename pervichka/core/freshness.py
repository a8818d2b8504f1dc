"""A counter of writes, so that cached figures are fresh after every write.

Pages that show figures over a scope (the start page, the dashboard) cache them under a key
that includes `generation()`. Every write moves the counter on: a model's save or delete
(signals, connected by the site app for every model of the project), a bulk write that
sends no signal (the member import calls `bump()` itself), and any successful unsafe request
(`WriteCounterMiddleware`, for `QuerySet.update()` and the like). The next read misses the
cache and counts again: figures are never older than the last write, and never recounted
while nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache

from pervichka.core.counters import counter_bump, counter_value

T = TypeVar("T")

KEY = "pervichka:write-generation"

# Inside a request (WriteCounterMiddleware): whether a write asked for a bump that is still
# owed. The middleware pays it once after the response, when the view's transactions have
# committed: one round trip to the cache per request, not one per saved row (a public
# submission saves six).
_owed: ContextVar[list[bool] | None] = ContextVar("freshness_owed", default=None)


def generation() -> int:
    owed = _owed.get()
    if owed is not None and owed[0]:
        # This request wrote and now reads figures: they must not come from before its write.
        owed[0] = False
        counter_bump(KEY)
    return counter_value(KEY)


def bump(**_kwargs: object) -> None:
    """Move the counter on (a signal receiver too, hence the keyword arguments). Inside a
    request the bump is owed and paid by the middleware once, after the response."""
    owed = _owed.get()
    if owed is not None:
        owed[0] = True
        return
    counter_bump(KEY)


class WriteCounterMiddleware:
    """Every successful POST/PUT/PATCH/DELETE moves the counter on, and so does any request
    in which a model was saved or deleted: once, after the view (and its transactions)."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owed = [False]
        token = _owed.set(owed)
        try:
            response = self.get_response(request)
        finally:
            _owed.reset(token)
        if owed[0] or (request.method not in self.SAFE and response.status_code < 400):
            counter_bump(KEY)
        return response


def cached_fresh(key: str, compute: Callable[[], T], timeout: int) -> T:
    """`compute()` cached under `key` until the next write: the value is stored beside the
    generation it was computed at, and the generation and the value are read in one round
    trip (one MGET), not two. The generation is read before computing, so a write that lands
    while computing leaves a value that the next read refuses."""
    owed = _owed.get()
    if owed is not None and owed[0]:
        owed[0] = False
        counter_bump(KEY)  # this request wrote: what it reads next must be after the write
    got = cache.get_many([KEY, key])
    current, hit = got.get(KEY), got.get(key)
    if current is not None and isinstance(hit, tuple) and len(hit) == 2 and hit[0] == current:
        return hit[1]
    at = generation()
    value = compute()
    cache.set(key, (at, value), timeout)
    return value


def cached_fresh_many(entries: dict[str, tuple[Callable[[], object], int]]) -> dict[str, object]:
    """`cached_fresh` for several keys at once: {key: (compute, timeout)} → {key: value}.
    The generation and every value are read in one round trip (one MGET) — a page that
    shows two cached parts (the appeals list's filter choices and its queue counts) pays
    one Redis round trip for them, not two; only the missing or stale ones are computed."""
    got = cache.get_many([KEY, *entries])
    current = got.get(KEY)
    values: dict[str, object] = {}
    stale = []
    for key in entries:
        hit = got.get(key)
        if current is not None and isinstance(hit, tuple) and len(hit) == 2 and hit[0] == current:
            values[key] = hit[1]
        else:
            stale.append(key)
    if stale:
        at = generation()
        for key in stale:
            compute, timeout = entries[key]
            values[key] = compute()
            cache.set(key, (at, values[key]), timeout)
    return values


# The org tree's own counter: what caches of scopes (the user's assignments with their units'
# paths, see accounts.authcache) are checked against. Moved on by every save or delete of an
# org unit (orgs' AppConfig), not by other writes, so that appeals coming in do not empty them.
TREE_KEY = "pervichka:tree-generation"


def bump_tree(**_kwargs: object) -> None:
    counter_bump(TREE_KEY)
