"""What every app holds about a person, for subject requests and retention (issue 13).

The people floor answers a person's request to see, correct or erase their data, but it
knows no app above it. So each app registers, in its `AppConfig.ready()`, a `SubjectApp`
with three functions over a person's id:

- `export(person_id) -> [Section]`: every row the app holds about the person (for the
  XLSX/JSON download of a subject request);
- `keeps(person_id) -> [str]`: the purposes that still need the person's data (an open
  appeal, an active membership, an open youth case); anonymising is refused while any
  remains;
- `anonymise(person_id) -> int`: replace what identifies the person in the app's own
  rows, keeping what the law or the ledgers keep (appeal numbers, amounts); returns how
  many rows changed.

and, for retention, functions `(today) -> int` that anonymise or remove what has outlived
its term (`register_retention`). The registries are filled by the apps, like the KPI
registry (core.kpis), so nothing here imports an app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    """One table of a subject export: a title, a header and rows of plain values."""

    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # (label, url) of the pages where the app's records are corrected (not exported).
    links: list[tuple[str, str]] = field(default_factory=list)


ExportFunction = Callable[[int], list[Section]]
KeepsFunction = Callable[[int], list[str]]
AnonymiseFunction = Callable[[int], int]
RetentionFunction = Callable[[dt.date], int]


@dataclass(frozen=True)
class SubjectApp:
    app_label: str
    export: ExportFunction
    keeps: KeepsFunction | None = None
    anonymise: AnonymiseFunction | None = None


REGISTRY: dict[str, SubjectApp] = {}
RETENTION: dict[str, RetentionFunction] = {}

# What replaces a name in an anonymised record: a fixed word, so that lists still read.
ANONYMOUS = "—"


def register(
    app_label: str,
    *,
    export: ExportFunction,
    keeps: KeepsFunction | None = None,
    anonymise: AnonymiseFunction | None = None,
) -> None:
    """Register (or replace, on a second `ready()`) what `app_label` holds about persons."""
    REGISTRY[app_label] = SubjectApp(app_label, export, keeps, anonymise)


def register_retention(name: str, function: RetentionFunction) -> RetentionFunction:
    RETENTION[name] = function
    return function


def apps() -> list[SubjectApp]:
    """The registered apps in a stable order (the people floor first, then by label)."""
    return sorted(REGISTRY.values(), key=lambda a: (a.app_label != "people", a.app_label))


def cell(value: Any) -> Any:
    """A value as a subject export writes it: dates in ISO form, None as empty, the rest
    as it is (strings are made formula-safe by core.exporting when written)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def retention_apply(*, today: dt.date) -> dict[str, int]:
    """Run every registered retention function for `today`; {name: rows changed}."""
    return {name: function(today) for name, function in sorted(RETENTION.items())}
