"""The rating's view of every app: KPI functions registered by name.

An app's `kpis.py` registers functions `(org_unit_ids, period) -> {org_unit_id: value}`;
the rating app calls them without knowing any app's tables (DESIGN.md).
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
class Kpi:
    name: str
    label: str
    function: KpiFunction
    higher_is_better: bool = True


REGISTRY: dict[str, Kpi] = {}


def register(name: str, label: str, *, higher_is_better: bool = True):
    def decorator(function: KpiFunction) -> KpiFunction:
        REGISTRY[name] = Kpi(name, label, function, higher_is_better)
        return function

    return decorator


def compute(name: str, org_unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    return REGISTRY[name].function(list(org_unit_ids), period)
