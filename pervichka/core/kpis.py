"""The rating's view of every app: KPI functions registered by name.

An app's `kpis.py` registers functions `(org_unit_ids, period) -> {org_unit_id: value}`;
the rating app calls them without knowing any app's tables (DESIGN.md).

A share or rate KPI leaves out a unit with nothing to divide by (no appeals due, no dues
owed): the rating then sees "no data", never a 0%. A KPI may also name the app's list of
its records (`list_url`, a URL name) and register a records function
`(unit_ids, period) -> {unit_id: [Record, ...]}` naming the records it counted, for the
breakdown's links and the district's audit sample.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        import calendar

        return cls(
            dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        )

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        result, day = [], self.start.replace(day=1)
        while day <= self.end:
            result.append(day)
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return result


KpiFunction = Callable[[Iterable[int], Period], dict[int, float]]


@dataclass(frozen=True)
class Record:
    """One record a KPI counted: enough to name it, link to it and audit it."""

    app_label: str
    model: str
    pk: int
    label: str
    url_name: str  # reversed with the pk as its one argument
    # Who entered the record (a user id), where the app knows: that person does not decide
    # an objection to the figure (issue 15, point 7).
    entered_by: int | None = None
    # How much of the figure the record is (1 for a counted record, the trees of a
    # planting): what a failed audit takes off.
    amount: float = 1.0


RecordsFunction = Callable[[Iterable[int], Period], dict[int, list[Record]]]


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str
    function: KpiFunction
    higher_is_better: bool = True
    list_url: str = ""  # the URL name of the app's list of the records behind the figure
    records: RecordsFunction | None = None


REGISTRY: dict[str, Kpi] = {}


def register(name: str, label: str, *, higher_is_better: bool = True, list_url: str = ""):
    def decorator(function: KpiFunction) -> KpiFunction:
        REGISTRY[name] = Kpi(name, label, function, higher_is_better, list_url)
        return function

    return decorator


def register_records(name: str):
    """Register the records function of an already registered KPI."""

    def decorator(function: RecordsFunction) -> RecordsFunction:
        kpi = REGISTRY[name]
        REGISTRY[name] = Kpi(
            kpi.name, kpi.label, kpi.function, kpi.higher_is_better, kpi.list_url, function
        )
        return function

    return decorator


CourseLink = Callable[[str], "tuple[str, str] | None"]
_COURSE_LINKS: list[CourseLink] = []


def register_course_link(function: CourseLink) -> CourseLink:
    """The School registers how a course code becomes (its name, its page's address): the
    rating's tip links to the course for the weakest dimension without importing it."""
    _COURSE_LINKS.append(function)
    return function


def course_link(code: str) -> tuple[str, str] | None:
    for function in _COURSE_LINKS:
        found = function(code) if code else None
        if found is not None:
            return found
    return None


def records(name: str, org_unit_ids: Iterable[int], period: Period) -> dict[int, list[Record]]:
    """The records behind a KPI, or nothing where its app names none."""
    kpi = REGISTRY.get(name)
    if kpi is None or kpi.records is None:
        return {}
    return kpi.records(list(org_unit_ids), period)


def compute(name: str, org_unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    return REGISTRY[name].function(list(org_unit_ids), period)
