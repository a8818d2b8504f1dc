"""Bulk writing for the national-scale generator: PostgreSQL COPY with explicit ids.

Each app's module in `devdata/scale/` writes its part through `Copier`; ids are taken from
a counter that starts after the table's largest id, and the identity sequences are moved
past them at the end, so the ORM keeps working on the generated data.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Model

from pervichka.orgs.models import OrgUnit
from pervichka.people.models import Membership


class Progress:
    """A one-line progress bar on stderr: what, how many of how many, rows per second."""

    def __init__(self, label: str, total: int, *, quiet: bool = False):
        self.label, self.total, self.quiet = label, max(total, 1), quiet
        self.done = 0
        self.started = time.monotonic()
        self._shown = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if not self.quiet and (now - self._shown > 0.5 or self.done >= self.total):
            self._shown = now
            width = 30
            filled = int(width * min(self.done, self.total) / self.total)
            rate = self.done / max(now - self.started, 1e-6)
            sys.stderr.write(
                f"\r{self.label:<24} [{'#' * filled}{'.' * (width - filled)}] "
                f"{self.done:>11,}/{self.total:,} {rate:>10,.0f}/s"
            )
            sys.stderr.flush()

    def close(self) -> None:
        if not self.quiet:
            sys.stderr.write(f"  {time.monotonic() - self.started:.1f}s\n")


def next_id(model: type[Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        return cursor.fetchone()[0]


def reset_sequence(model: type[Model]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )


def copy_rows(
    model: type[Model], columns: list[str], rows: Iterable[tuple], progress: Progress | None = None
) -> int:
    """COPY rows into the model's table; `columns` are field names (attnames for FKs)."""
    fields = [model._meta.get_field(name) for name in columns]
    db_columns = ", ".join(f'"{f.column}"' for f in fields)
    sql = f'COPY "{model._meta.db_table}" ({db_columns}) FROM STDIN'
    count = 0
    raw = connection.cursor().cursor  # the psycopg cursor under Django's wrapper
    with raw.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
            if progress is not None and count % 5000 == 0:
                progress.advance(5000)
    if progress is not None:
        progress.advance(count % 5000)
    return count


@dataclass
class ScaleContext:
    """Sizes asked for and what earlier steps made (ids), passed from app to app."""

    regions: int
    districts: int
    primaries: int
    members: int
    appeals: int
    months: int
    seed: int = 1
    quiet: bool = False
    made: dict = field(default_factory=dict)


def context_from_database() -> dict:
    """What the org and member steps hand to later ones, read back from a generated database."""
    return {
        "districts": list(OrgUnit.objects.filter(kind="district").values_list("pk", "path")),
        "primaries": list(
            OrgUnit.objects.filter(kind="primary").values_list("pk", "path", "settlement_id")
        ),
        "memberships": list(
            Membership.objects.values_list(
                "pk", "person_id", "primary_id", "joined", "dues_category"
            )
        ),
    }
