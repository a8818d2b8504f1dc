"""Heavy reads on the streaming replica, everything else on the primary.

A read goes to the `replica` database alias only inside `reads_from_replica()` (a context
manager and a view decorator) and only while the replica is up and at most
`PERVICHKA_REPLICA_MAX_LAG` seconds behind. Chosen explicitly, not by guessing from the
query. Exports, the dashboards and reports, the rating's computation and pages, and the
public portal's listings ask; forms, their redirect targets and everything that writes do
not. And a client that has just written (any successful POST, PUT, PATCH or DELETE) is
pinned to the primary for `pin_seconds()` by a cookie (`PinAfterWriteMiddleware`), so even a
replica page shows it what it wrote, however the replica lags. A view run under
`replica_reads` says where it read in the `X-Pervichka-Reads` header (replica or primary).

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
from typing import Any, TypeVar

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)

REPLICA = "replica"
CHECK_SECONDS = 5.0
PIN_COOKIE = "pv_primary"
READS_HEADER = "X-Pervichka-Reads"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

logger = logging.getLogger(__name__)
T = TypeVar("T")

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


def read_on_replica(compute: Callable[[], T]) -> T:
    """compute() with its reads on the replica when usable; if the replica fails during it,
    once more on the primary (for tasks: a read-only computation)."""
    if not replica_configured() or not replica_usable():
        return compute()
    try:
        with reads_from_replica():
            return compute()
    except (OperationalError, InterfaceError):
        # The replica was in use: whatever failed is marked down and the primary asked.
        mark_replica_down()
        logger.warning("replica failed during a computation, done again on the primary")
        return compute()


def replica_has_replayed_primary() -> bool:
    """The replica has replayed everything the primary had written at this moment (its
    replay position is at or past the primary's current WAL position): what is read there
    now is at least as new as the primary's state when this was asked. Two small queries;
    False on any doubt (not PostgreSQL, no replica, either unreachable)."""
    if not replica_configured() or connections[REPLICA].vendor != "postgresql":
        return False
    if not replica_usable():
        return False
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            lsn = cursor.fetchone()[0]
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [lsn])
            return bool(cursor.fetchone()[0])
    except DatabaseError as exc:
        logger.warning("could not compare the replica with the primary: %s", exc)
        return False


def read_current(compute: Callable[[], T]) -> T:
    """compute() on the replica if it holds everything the primary held when asked, else on
    the primary: for figures cached under the write counter (core.freshness), which must not
    be computed from a state older than the counter says."""
    if replica_has_replayed_primary():
        return read_on_replica(compute)
    return compute()


def pin_seconds() -> int:
    """How long a client reads from the primary after it wrote: the most the replica may lag
    while still used, plus the age of the lag measured."""
    return int(settings.PERVICHKA_REPLICA_MAX_LAG + CHECK_SECONDS) + 1


def pinned_to_primary(request) -> bool:
    """The client wrote within `pin_seconds()` (its cookie says until when). A forged cookie
    only sends its own reads to the primary, never longer than one pin from now."""
    try:
        until = float(request.COOKIES.get(PIN_COOKIE, ""))
    except ValueError:
        return False
    now = time.time()
    return now < until <= now + pin_seconds()


class PinAfterWriteMiddleware:
    """After a successful write, the client's next `pin_seconds()` of reads go to the primary
    (read-your-writes on the pages that otherwise read the replica)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            replica_configured()
            and request.method not in SAFE_METHODS
            and response.status_code < 400
        ):
            seconds = pin_seconds()
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def replica_reads(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view whose reads go to the replica; if the replica fails mid-request, the view runs
    once more on the primary (only for GET and HEAD, which change nothing). A client pinned
    after its own write reads the primary."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not replica_configured():
            return view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or pinned_to_primary(request):
            return _says(view(request, *args, **kwargs), "primary")
        on_replica = replica_usable()
        try:
            with reads_from_replica():
                return _says(view(request, *args, **kwargs), "replica" if on_replica else "primary")
        except (OperationalError, InterfaceError):
            if not on_replica:
                raise  # the primary's failure: DatabaseUnavailableMiddleware answers 503
            mark_replica_down()
            logger.warning("replica failed during %s, answered from the primary", request.path)
            return _says(view(request, *args, **kwargs), "primary")

    return wrapper


def _says(response, where: str):
    response[READS_HEADER] = where
    return response


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
