"""The version of the cached working-day transfers (`core.calendar`).

Kept apart from the calendar so that the override model's queryset can bump it without
importing the calendar, which reads the model.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import connection, transaction

# The transfers are cached in the shared cache (Redis in production) under a version that
# every change bumps after its commit, so that every worker and process sees a change at
# once. A bump, not a delete: a worker that read the old rows before the commit can only
# fill the old version's key, which nobody reads any more.
OVERRIDES_VERSION_KEY = "pervichka:calendar-overrides:version"
OVERRIDES_CACHE_TTL = 300


def overrides_version() -> int:
    version = cache.get(OVERRIDES_VERSION_KEY)
    if version is None:
        # First use or evicted: start from the clock, never from a number used before.
        cache.add(OVERRIDES_VERSION_KEY, time.time_ns(), None)
        version = cache.get(OVERRIDES_VERSION_KEY)
    return version


def bump_version() -> None:
    try:
        cache.incr(OVERRIDES_VERSION_KEY)
    except ValueError:  # no version yet (or evicted)
        cache.set(OVERRIDES_VERSION_KEY, time.time_ns(), None)


def changed_in_this_transaction() -> bool:
    # A change not yet committed is seen by its own transaction only: read it from the
    # database, and do not put it in the cache, where it would outlive a rollback.
    return any(entry[1] is bump_version for entry in connection.run_on_commit)


def forget_overrides() -> None:
    """Called when transfers change (signals in core.apps, bulk writes in the queryset):
    every process reads them afresh once the change is committed."""
    transaction.on_commit(bump_version)
