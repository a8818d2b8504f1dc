"""Reads of promises: staff lists scoped by the district, the public tracker, totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery

from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.orgs.models import OrgUnit, Settlement
from pervichka.promises.enums import PromiseStatus
from pervichka.promises.models import Promise, PromiseUpdate


def promises_visible(user, *, perm: Perm = Perm.PROMISES_VIEW) -> QuerySet[Promise]:
    """Promises in the user's scope. To read, the districts above the scope count too: the
    programme is the district's, and a primary's chair reads it though their scope is only
    the primary. Managing stays inside the scope."""
    queryset = Promise.objects.select_related(
        "district", "settlement", "responsible_deputy__person", "responsible_deputy__unit"
    )
    if perm == Perm.PROMISES_VIEW:
        return queryset.readable_upwards(user, perm)
    return queryset.visible_to(user, perm)


def promise_get(user, pk: object, *, perm: Perm = Perm.PROMISES_VIEW) -> Promise:
    return get_or_404(promises_visible(user, perm=perm), pk=pk)


def promises_public() -> QuerySet[Promise]:
    return Promise.objects.filter(is_public=True).select_related(
        "district", "settlement", "responsible_deputy__person"
    )


def districts_public() -> QuerySet[OrgUnit]:
    """The districts with a public programme: the public tracker's choice of district."""
    return OrgUnit.objects.filter(promises__is_public=True).distinct().order_by("name")


def settlements_public(districts: QuerySet[OrgUnit]) -> QuerySet[Settlement]:
    return Settlement.objects.filter(district__in=districts, is_active=True).order_by("name")


@dataclass
class Filters:
    status: str = ""
    theme: str = ""
    settlement_id: int | None = None
    district_id: int | None = None
    q: str = ""


def apply_filters(queryset: QuerySet[Promise], f: Filters) -> QuerySet[Promise]:
    if f.status:
        queryset = queryset.filter(status=f.status)
    if f.theme:
        queryset = queryset.filter(theme=f.theme)
    if f.settlement_id:
        # A settlement's promises include the district-wide ones.
        queryset = queryset.filter(Q(settlement_id=f.settlement_id) | Q(settlement__isnull=True))
    if f.district_id:
        queryset = queryset.filter(district_id=f.district_id)
    if f.q:
        queryset = queryset.filter(
            Q(text__icontains=f.q) | Q(text_kk__icontains=f.q) | Q(text_en__icontains=f.q)
        )
    return queryset


def totals(queryset: QuerySet[Promise]) -> list[tuple[str, str, int]]:
    """(status, label, count) in the order of the stages, for every stage."""
    counts = Counter(queryset.order_by().values_list("status", flat=True))
    return [(s.value, s.label, counts.get(s.value, 0)) for s in PromiseStatus]


def status_on(queryset: QuerySet[Promise], day) -> QuerySet[Promise]:
    """Each promise with `status_then`: its stage by the updates dated up to `day`."""
    latest = PromiseUpdate.objects.filter(promise=OuterRef("pk"), date__lte=day).order_by(
        "-date", "-pk"
    )
    return queryset.annotate(status_then=Subquery(latest.values("status")[:1]))


def on_track(status_then: str | None, due_date, day) -> bool:
    """Done on time, or not yet due and not given up."""
    status = status_then or PromiseStatus.NOT_STARTED
    if status == PromiseStatus.DONE:
        return True
    return status in (PromiseStatus.NOT_STARTED, PromiseStatus.IN_PROGRESS) and due_date >= day
