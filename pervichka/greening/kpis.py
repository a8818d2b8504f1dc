"""What ТазаLike plantings contribute to the rating, per org unit and period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Exists, OuterRef, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from pervichka.core.kpis import Period, Record, register, register_records
from pervichka.greening.models import Planting, SurvivalCheck
from pervichka.orgs.selectors import UNIT_OWNERS_CTE, units_and_primaries, units_array
from pervichka.projects.kpis import sum_by_owner


@register("trees_planted", _("trees and shrubs planted"), list_url="greening:plantings")
def trees_planted(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    groups = units_and_primaries(unit_ids)
    rows = (
        Planting.objects.filter(
            primary_id__anyof=groups.members,
            planted_on__gte=period.start,
            planted_on__lte=period.end,
        )
        .values_list("primary_id")
        .annotate(n=Sum("count"))
    )
    return sum_by_owner(groups, rows)


def _plantings(members: list[int], period: Period, *, checked: bool = False):
    plantings = Planting.objects.filter(
        primary_id__anyof=members, planted_on__gte=period.start, planted_on__lte=period.end
    )
    if checked:  # a survival check, whenever it was made
        plantings = plantings.filter(
            Exists(SurvivalCheck.objects.filter(planting_id=OuterRef("pk")))
        )
    return plantings


def _planting_records(unit_ids: Iterable[int], period: Period, *, checked: bool):
    groups = units_and_primaries(unit_ids)
    result: dict[int, list[Record]] = defaultdict(list)
    for planting in _plantings(groups.members, period, checked=checked).order_by("planted_on"):
        record = Record(
            "greening", "planting", planting.pk, str(planting), "greening:planting",
            planting.created_by_id, float(planting.count),
        )  # fmt: skip
        for owner in groups.owners.get(planting.primary_id, []):
            result[owner].append(record)
    return dict(result)


@register_records("trees_planted")
def trees_planted_records(unit_ids: Iterable[int], period: Period) -> dict[int, list[Record]]:
    return _planting_records(unit_ids, period, checked=False)


@register(
    "plantings_checked",
    _("trees and shrubs planted with a survival check"),
    list_url="greening:plantings",
)
def plantings_checked(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Trees and shrubs planted in the period whose planting has a survival check: a
    planting nobody went back to see does not count (issue 15, point 5)."""
    groups = units_and_primaries(unit_ids)
    rows = (
        _plantings(groups.members, period, checked=True)
        .values_list("primary_id")
        .annotate(n=Sum("count"))
    )
    return sum_by_owner(groups, rows)


@register_records("plantings_checked")
def plantings_checked_records(unit_ids: Iterable[int], period: Period) -> dict[int, list[Record]]:
    return _planting_records(unit_ids, period, checked=True)


@register("tree_survival_rate", _("survival of plantings"), list_url="greening:plantings")
def tree_survival_rate(unit_ids: Iterable[int], period: Period) -> dict[int, float]:
    """Of the plantings checked in the period, the share alive at their latest check in it."""
    if connection.vendor == "postgresql":
        rows = _survival_rows_postgresql(unit_ids, period)
        # No planting checked in the period: no data, not 0%.
        return {owner: alive / planted for owner, planted, alive in rows if planted}
    groups = units_and_primaries(unit_ids)
    in_period = {"checked_on__gte": period.start, "checked_on__lte": period.end}
    latest = (
        SurvivalCheck.objects.filter(planting_id=OuterRef("planting_id"), **in_period)
        .order_by("-checked_on", "-pk")
        .values("pk")[:1]
    )
    rows = (
        SurvivalCheck.objects.filter(
            planting__primary_id__anyof=groups.members, pk=Subquery(latest), **in_period
        )
        .values_list("planting__primary_id")
        .annotate(planted=Sum("planting__count"), alive=Sum("alive"))
    )
    planted: dict[int, float] = defaultdict(float)
    alive_total: dict[int, float] = defaultdict(float)
    for primary_id, count, alive in rows:
        for owner in groups.owners.get(primary_id, []):
            planted[owner] += count
            alive_total[owner] += alive
    return {u: alive_total[u] / planted[u] for u in groups.asked if planted.get(u)}


# The latest check of each planting by DISTINCT ON, one pass over the checks' index: at
# national scale 3x faster than the correlated subquery the portable version needs. The
# asked units are read in the same statement (orgs.selectors.UNIT_OWNERS_CTE), and the sums
# come per asked unit: nothing per primary is carried through Python.
_SURVIVAL_SQL = f"""
WITH {UNIT_OWNERS_CTE}, latest AS (
    SELECT DISTINCT ON (c.planting_id) c.planting_id, c.alive
    FROM projects_survivalcheck c
    WHERE c.checked_on BETWEEN %(start)s AND %(end)s
    ORDER BY c.planting_id, c.checked_on DESC, c.id DESC
)
SELECT o.owner_id, SUM(p.count), SUM(l.alive)
FROM latest l
JOIN projects_planting p ON p.id = l.planting_id
JOIN unit_owners o ON o.primary_id = p.primary_id
GROUP BY o.owner_id
"""


def _survival_rows_postgresql(unit_ids: Iterable[int], period: Period) -> list[tuple]:
    units = units_array(unit_ids)
    if units == "{}":
        return []
    with connection.cursor() as cursor:
        cursor.execute(_SURVIVAL_SQL, {"start": period.start, "end": period.end, "units": units})
        return cursor.fetchall()
