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


@dataclass
class UnitGroups:
    """Which units a KPI is asked for, which units' own figures it sums, and for each such
    unit the asked units it counts towards (itself and its ancestors among those asked)."""

    asked: list[int]
    members: list[int]
    owners: dict[int, list[int]]


def units_and_primaries(
    unit_ids: Iterable[int], *, kinds: tuple[str, ...] = ("primary",)
) -> UnitGroups:
    """Expand asked units to the units of `kinds` under them with one prefix query per asked
    unit that is above those kinds (primaries asked for themselves need none)."""
    from django.db.models import Q

    from pervichka.orgs.models import OrgUnit

    asked = list(dict.fromkeys(unit_ids))
    # Plain tuples, not model instances: a rating asks for every primary of the country.
    units = list(OrgUnit.objects.filter(pk__anyof=asked).values_list("pk", "path", "kind"))
    direct = {pk: path for pk, path, kind in units if kind in kinds and kind == "primary"}
    above = [(pk, path) for pk, path, _kind in units if pk not in direct]
    paths: dict[int, str] = dict(direct)
    if above:
        q = Q()
        for _pk, path in above:
            q |= Q(path__startswith=path)
        paths.update(OrgUnit.objects.filter(q, kind__in=kinds).values_list("pk", "path"))
    by_path = {path: pk for pk, path, _kind in units}
    if not above:  # every asked unit is a primary: each owns only itself
        return UnitGroups(asked=asked, members=list(paths), owners={pk: [pk] for pk in paths})
    owners: dict[int, list[int]] = {pk: [] for pk in paths}
    for pk, path in paths.items():
        for i in range(4, len(path) + 1, 4):
            owner = by_path.get(path[:i])
            if owner is not None:
                owners[pk].append(owner)
    return UnitGroups(asked=asked, members=list(paths), owners=owners)
