"""Heavy reads on the streaming replica, everything else on the primary.

A read goes to the `replica` database alias only inside `reads_from_replica()` (a context
manager and a view decorator) and only while the replica is up and at most
`PERVICHKA_REPLICA_MAX_LAG` seconds behind. Chosen explicitly, not by guessing from the
query: a page that must see what its user has just written (a form's redirect target)
simply does not ask for the replica. Exports, the dashboards and reports, and the public
portal pages ask.

The replica's state is measured at most every `CHECK_SECONDS` per process (one small
query), so a stopped replica costs each process one failed connection attempt per period;
a view that fails on the replica in between is run once more on the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

REPLICA = "replica"
CHECK_SECONDS = 5.0

logger = logging.getLogger(__name__)

_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("reads_from_replica", default=False)
# alias -> (checked at, lag in seconds or None when unreachable)
_state: dict[str, tuple[float, float | None]] = {}

# Seconds behind the primary: zero when everything received is replayed (an idle primary
# sends nothing, so the last replay's age alone would look like lag); otherwise the age of
# the last replayed transaction. Zero on a database that is not a standby (a test mirror).
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag(*, refresh: bool = False) -> float | None:
    """The replica's lag in seconds, None when it is not configured or unreachable."""
    if not replica_configured():
        return None
    now = time.monotonic()
    checked = _state.get(REPLICA)
    if checked and not refresh and now - checked[0] < CHECK_SECONDS:
        return checked[1]
    lag: float | None
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(LAG_SQL)
                lag = float(cursor.fetchone()[0])
            else:
                cursor.execute("SELECT 1")
                lag = 0.0
    except (OperationalError, InterfaceError) as exc:
        logger.warning("replica unreachable, reading from the primary: %s", exc)
        # A dead connection may fail to close; it is dropped either way.
        with contextlib.suppress(Exception):
            connection.close()
        lag = None
    _state[REPLICA] = (now, lag)
    return lag


def replica_usable() -> bool:
    lag = replica_lag()
    return lag is not None and lag <= settings.PERVICHKA_REPLICA_MAX_LAG


def mark_replica_down() -> None:
    _state[REPLICA] = (time.monotonic(), None)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Reads inside go to the replica when it is usable (writes still go to the primary)."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


def replica_reads(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view whose reads go to the replica; if the replica fails mid-request, the view runs
    once more on the primary (only for GET and HEAD, which change nothing)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not replica_configured() or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        try:
            with reads_from_replica():
                return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError):
            if not replica_usable():
                raise
            mark_replica_down()
            logger.warning("replica failed during %s, answered from the primary", request.path)
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Django's database router: see the module docstring."""

    def db_for_read(self, model, **hints) -> str | None:
        if _wanted.get() and replica_usable():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
