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

from pervichka.core.counters import counter_bump, counter_value

KEY = "pervichka:write-generation"


def generation() -> int:
    return counter_value(KEY)


def bump(**_kwargs: object) -> None:
    """Move the counter on (a signal receiver too, hence the keyword arguments)."""
    counter_bump(KEY)


class WriteCounterMiddleware:
    """Every successful POST/PUT/PATCH/DELETE moves the counter on."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in self.SAFE and response.status_code < 400:
            bump()
        return response
