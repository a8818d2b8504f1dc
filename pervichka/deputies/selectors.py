"""Reads of deputies and what they did: field receptions they held, appeals they received
(at their receptions or given to them) and answered, promises they answer for."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from pervichka.appeals.models import Appeal, FieldReception
from pervichka.appeals.selectors import appeals_visible
from pervichka.core.kpis import Period
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.deputies.models import Deputy


def deputies_visible(user, *, perm: Perm = Perm.ORGS_VIEW) -> QuerySet[Deputy]:
    return Deputy.objects.visible_to(user, perm).select_related("person", "unit")


def deputy_get(user, pk: object, *, perm: Perm = Perm.ORGS_VIEW) -> Deputy:
    return get_or_404(deputies_visible(user, perm=perm), pk=pk)


def is_current(deputy: Deputy) -> bool:
    return deputy.term_end is None or deputy.term_end >= timezone.localdate()


@dataclass
class Figures:
    receptions_held: int
    receptions_planned: int
    appeals_received: int
    appeals_answered: int
    answered_on_time: int
    promises: dict[str, int]

    @property
    def answered_share(self) -> float | None:
        return self.appeals_answered / self.appeals_received if self.appeals_received else None


def receptions_hosted(deputy: Deputy, period: Period, *, limit: int = 50) -> list[FieldReception]:
    """The latest field receptions the deputy hosted in the period. Not narrowed further by
    the reader: whoever may see the deputy sees where they received citizens (the
    receptions are announced publicly)."""
    return list(
        FieldReception.objects.filter(
            hosts=deputy.person,
            starts_at__date__gte=period.start,
            starts_at__date__lte=period.end,
        )
        .select_related("settlement")
        .order_by("-starts_at")[:limit]
    )


def figures(deputy: Deputy, period: Period) -> Figures:
    receptions = FieldReception.objects.filter(
        hosts=deputy.person, starts_at__date__gte=period.start, starts_at__date__lte=period.end
    ).aggregate(
        held=Count("pk", filter=Q(status="held")),
        planned=Count("pk", filter=Q(status="planned")),
    )
    appeals = (
        Appeal.objects.filter(
            Q(field_reception__hosts=deputy.person) | Q(assigned_person=deputy.person),
            received_at__date__gte=period.start,
            received_at__date__lte=period.end,
        )
        .distinct()
        .aggregate(
            received=Count("pk", distinct=True),
            answered=Count("pk", filter=Q(answered_at__isnull=False), distinct=True),
            on_time=Count("pk", filter=Q(answered_at__date__lte=F("due_date")), distinct=True),
        )
    )
    promises = dict(
        deputy.promises.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return Figures(
        receptions_held=receptions["held"],
        receptions_planned=receptions["planned"],
        appeals_received=appeals["received"],
        appeals_answered=appeals["answered"],
        answered_on_time=appeals["on_time"],
        promises=promises,
    )


def appeals_received(user, deputy: Deputy, period: Period, *, limit: int = 20) -> list:
    """The latest appeals the deputy received in the period (at their field receptions or
    given to them) that `user` may see; none for a user who may not see appeals."""
    received = Appeal.objects.filter(
        Q(field_reception__hosts=deputy.person) | Q(assigned_person=deputy.person),
        received_at__date__gte=period.start,
        received_at__date__lte=period.end,
    ).values("pk")
    return list(
        appeals_visible(user, perm=Perm.APPEALS_VIEW)
        .filter(pk__in=received)
        .only("pk", "number", "received_at", "status")
        .order_by("-received_at", "-pk")[:limit]
    )
