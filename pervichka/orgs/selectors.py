"""Reads of the org tree, already limited to what the acting user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, scope_paths, visible
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit, Position, Settlement


def org_units_visible(user, *, perm: Perm = Perm.ORGS_VIEW) -> QuerySet[OrgUnit]:
    return visible(OrgUnit.objects.all(), user, perm).order_by("path")


def org_unit_get(user, pk: object, *, perm: Perm = Perm.ORGS_VIEW) -> OrgUnit:
    return get_or_404(org_units_visible(user, perm=perm), pk=pk)


def primaries_for(user, *, perm: Perm) -> QuerySet[OrgUnit]:
    """The primaries where the user holds `perm`: the choices of a primary field."""
    return org_units_visible(user, perm=perm).filter(kind=OrgKind.PRIMARY).order_by("name")


def _ancestor_paths(path: str) -> list[str]:
    step = OrgUnit.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def settlements_for(user, *, perm: Perm = Perm.ORGS_VIEW) -> QuerySet[Settlement]:
    """Settlements of the districts in or above the user's scope.

    A chair of a primary needs the villages of the district the primary is in, so the
    districts above a scope path count as well as those below it.
    """
    paths = scope_paths(user, perm)
    queryset = Settlement.objects.filter(is_active=True).select_related("district")
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    q = Q()
    for path in paths:
        q |= Q(district__path__startswith=path) | Q(district__path__in=_ancestor_paths(path))
    return queryset.filter(q)


def positions_of(unit: OrgUnit) -> QuerySet[Position]:
    return unit.positions.select_related("person").order_by("end", "kind", "-start")
