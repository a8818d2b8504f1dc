"""The version of the cached working-day transfers (`core.calendar`).

Kept apart from the calendar so that the override model's queryset can bump it without
importing the calendar, which reads the model.
"""

from __future__ import annotations

from django.db import connection, transaction

from pervichka.core.counters import counter_bump, counter_value

# The transfers are cached in the shared cache (Redis in production) under a version that
# every change bumps after its commit, so that every worker and process sees a change at
# once. A bump, not a delete: a worker that read the old rows before the commit can only
# fill the old version's key, which nobody reads any more (core.counters).
OVERRIDES_VERSION_KEY = "pervichka:calendar-overrides:version"
OVERRIDES_CACHE_TTL = 300


def overrides_version() -> int:
    return counter_value(OVERRIDES_VERSION_KEY)


def bump_version() -> None:
    counter_bump(OVERRIDES_VERSION_KEY)


def changed_in_this_transaction() -> bool:
    # A change not yet committed is seen by its own transaction only: read it from the
    # database, and do not put it in the cache, where it would outlive a rollback.
    return any(entry[1] is bump_version for entry in connection.run_on_commit)


def forget_overrides() -> None:
    """Called when transfers change (signals in core.apps, bulk writes in the queryset):
    every process reads them afresh once the change is committed."""
    transaction.on_commit(bump_version)
