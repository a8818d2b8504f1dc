"""Reads of the org tree, already limited to what the acting user may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from pervichka.core import tree
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, scope_paths
from pervichka.orgs.enums import OrgKind, PositionKind
from pervichka.orgs.models import OrgUnit, Position, Settlement


def org_units_visible(user, *, perm: Perm = Perm.ORGS_VIEW) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.visible_to(user, perm).order_by("path")


def org_unit_get(user, pk: object, *, perm: Perm = Perm.ORGS_VIEW) -> OrgUnit:
    return get_or_404(org_units_visible(user, perm=perm), pk=pk)


def with_parent_id(queryset: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """Annotate each unit's `parent_id` from its path (the parent's path is one step less)."""
    parent = OrgUnit.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - tree.STEPLEN)
    ).values("pk")[:1]
    return queryset.annotate(parent_id=Subquery(parent))


def org_unit_with_parent(user, pk: object, *, perm: Perm = Perm.ORGS_VIEW) -> OrgUnit:
    """One unit the user may see, with its `parent_id` (the API's view of a unit)."""
    return get_or_404(with_parent_id(org_units_visible(user, perm=perm)), pk=pk)


def primaries_for(user, *, perm: Perm) -> QuerySet[OrgUnit]:
    """The primaries where the user holds `perm`, by name: the choices of a primary field."""
    return OrgUnit.objects.visible_to(user, perm).filter(kind=OrgKind.PRIMARY).order_by("name")


def districts_for(user, *, perm: Perm) -> QuerySet[OrgUnit]:
    """The districts where the user holds `perm`, by name (several for a region's staff)."""
    return OrgUnit.objects.visible_to(user, perm).filter(kind=OrgKind.DISTRICT).order_by("name")


def sees_level(user, kind: str, *, perm: Perm = Perm.ORGS_VIEW) -> bool:
    """Does the user hold `perm` at a unit of `kind` or above (a superuser: everywhere)?"""
    return tree.sees_level(scope_paths(user, perm), kind)


def settlements_for(user, *, perm: Perm = Perm.ORGS_VIEW) -> QuerySet[Settlement]:
    """Settlements of the districts in or above the user's scope.

    A chair of a primary needs the villages of the district the primary is in, so the
    districts above a scope path count as well as those below it.
    """
    return (
        Settlement.objects.readable_upwards(user, perm)
        .filter(is_active=True)
        .select_related("district")
    )


def settlements_of(district: OrgUnit) -> QuerySet[Settlement]:
    """The settlements of one district (the caller has already checked the district)."""
    return Settlement.objects.filter(district=district)


def position_get(user, pk: object, *, perm: Perm = Perm.ORGS_VIEW) -> Position:
    """One position at a unit where the user holds `perm`; 404 for missing and forbidden."""
    return Position.objects.get_for(user, perm, pk=pk)


def positions_of(unit: OrgUnit) -> QuerySet[Position]:
    return unit.positions.select_related("person").order_by("end", "kind", "-start")


def current_chairs_contacts(unit_ids: list[int]) -> dict[int, str]:
    """The phone of each unit's current chair, where there is one with a phone (messages
    to the chairs of many primaries at once)."""
    return {
        unit_id: phone
        for unit_id, phone in Position.objects.filter(
            org_unit_id__anyof=unit_ids, kind=PositionKind.CHAIR, end__isnull=True
        ).values_list("org_unit_id", "person__phone")
        if phone
    }


def district_of(unit: OrgUnit) -> OrgUnit | None:
    """The district a unit belongs to: itself for a district, the parent of a primary, and
    None for a region or the party (they are above every district). The one meaning of
    "the district of a unit" in the project."""
    path = tree.district_path(unit.path)
    if path is None:
        return None
    if path == unit.path:
        return unit
    return OrgUnit.objects.get(path=path)


def ancestors_of(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The units above `unit`, from the root down (not scoped: names for breadcrumbs)."""
    return OrgUnit.objects.filter(path__in=tree.ancestor_paths(unit.path)).order_by("path")


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
        for ancestor in tree.ancestor_paths(path, include_self=True):
            owner = by_path.get(ancestor)
            if owner is not None:
                owners[pk].append(owner)
    return UnitGroups(asked=asked, members=list(paths), owners=owners)


# The asked units and, for each, the primaries whose figures it sums — itself for a primary,
# every primary under it for a unit above — as a CTE for a KPI's own statement on
# PostgreSQL: `unit_owners(owner_id, primary_id)`. A rating asks for every primary of the
# country; reading those 10,000 units into Python first (units_and_primaries) and binding
# them again as the KPI's filter cost more than the KPI's own query (bench/NOTES.md, branch
# lists-speed). A unit above finds its primaries by their ancestors' paths (the lengths of
# the levels above a primary, listed), an equality the planner hashes and estimates well:
# a generate_series there was estimated at a thousand rows a primary, and the plan's cost
# made PostgreSQL compile it (JIT), 0.4 s.
_ABOVE_PRIMARY_LENGTHS = ", ".join(
    f"({depth * tree.STEPLEN})"
    for kind, depth in tree.KIND_DEPTH.items()
    if depth < tree.KIND_DEPTH[tree.PRIMARY]
)
UNIT_OWNERS_CTE = f"""
unit_owners AS (
    SELECT u.id AS owner_id, u.id AS primary_id FROM orgs_orgunit u
    WHERE u.id = ANY(%(units)s::bigint[]) AND u.kind = '{OrgKind.PRIMARY}'
    UNION ALL
    SELECT a.id, p.id
    FROM orgs_orgunit p
    CROSS JOIN LATERAL (VALUES {_ABOVE_PRIMARY_LENGTHS}) AS above(length)
    JOIN orgs_orgunit a ON a.path = left(p.path, above.length)
    WHERE p.kind = '{OrgKind.PRIMARY}'
      AND a.id = ANY(%(units)s::bigint[]) AND a.kind <> '{OrgKind.PRIMARY}'
)"""


def units_array(unit_ids: Iterable[int]) -> str:
    """The `%(units)s` parameter of UNIT_OWNERS_CTE: an array literal, which PostgreSQL
    parses in one go; a list of 10,000 ids is dumped element by element by the driver."""
    return "{" + ",".join(str(int(pk)) for pk in unit_ids) + "}"
