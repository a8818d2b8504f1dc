"""Reads of youth work, limited to youth workers, the chair of the young person's primary and
the district's administrators (YOUTH_VIEW over the primary's subtree)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core import tree
from pervichka.core.calendar import add_months
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.people.history import history_entries
from pervichka.youth.enums import CaseStatus, YouthStatus
from pervichka.youth.models import (
    MRP,
    Case,
    Placement,
    Referral,
    SupportMeasure,
    YoungPerson,
    YouthRules,
)
from pervichka.youth.rules import age_on, eligibility


def youth_visible(user, *, perm: Perm = Perm.YOUTH_VIEW) -> QuerySet[YoungPerson]:
    return YoungPerson.objects.visible_to(user, perm).select_related(
        "person", "person__settlement", "primary"
    )


def young_person_get(user, pk: object, *, perm: Perm = Perm.YOUTH_VIEW) -> YoungPerson:
    return get_or_404(youth_visible(user, perm=perm), pk=pk)


def cases_visible(user, *, perm: Perm = Perm.YOUTH_VIEW) -> QuerySet[Case]:
    return Case.objects.visible_to(user, perm).select_related(
        "young_person__person", "young_person__primary", "worker"
    )


def case_get(user, pk: object, *, perm: Perm = Perm.YOUTH_VIEW) -> Case:
    return get_or_404(cases_visible(user, perm=perm), pk=pk)


def measures_for(primary) -> QuerySet[SupportMeasure]:
    """The national catalogue and the primary's district's own measures. A district's measure
    with the code of a national one takes its place (other terms, or switched off)."""
    district_path = tree.district_path(primary.path)
    own_codes = SupportMeasure.objects.filter(district__path=district_path).values("code")
    return SupportMeasure.objects.filter(is_active=True).filter(
        Q(district__path=district_path) | (Q(district__isnull=True) & ~Q(code__in=own_codes))
    )


def eligibility_table(yp: YoungPerson, *, on: dt.date | None = None) -> list[tuple]:
    """(measure, eligibility) for every measure of the person's district. A measure that pays
    in MRP also carries the sum in tenge at the MRP of the year (`benefit_kzt_now`,
    `mrp_year`), or None when the district has not entered that year's MRP."""
    on = on or timezone.localdate()
    mrp = MRP.objects.filter(year=on.year).values_list("value", flat=True).first()
    table = []
    for m in measures_for(yp.primary):
        m.mrp_year = on.year
        m.benefit_kzt_now = m.benefit_kzt(mrp)
        table.append((m, eligibility(yp, m, on=on)))
    return table


@dataclass(frozen=True)
class RegistryFilters:
    status: str = ""
    neet_only: bool = False
    settlement_id: int | None = None
    primary_id: int | None = None
    q: str = ""


# The facts that make each status, as a query: derive_status() in SQL.
def _status_q(status: str) -> Q:
    employed = Q(employed=True)
    student = Q(employed=False, in_education=True)
    training = Q(employed=False, in_education=False, in_training=True)
    rest = Q(employed=False, in_education=False, in_training=False)
    return {
        YouthStatus.EMPLOYED: employed,
        YouthStatus.STUDENT: student,
        YouthStatus.TRAINING: training,
        YouthStatus.MILITARY: rest & Q(military_service=True),
        YouthStatus.PARENTAL_LEAVE: rest & Q(military_service=False, parental_leave=True),
        YouthStatus.JOB_SEEKER: rest
        & Q(military_service=False, parental_leave=False, registered_job_seeker=True),
        YouthStatus.NEET: rest
        & Q(military_service=False, parental_leave=False, registered_job_seeker=False),
    }[status]


def neet_q() -> Q:
    return (
        _status_q(YouthStatus.PARENTAL_LEAVE)
        | _status_q(YouthStatus.JOB_SEEKER)
        | _status_q(YouthStatus.NEET)
    )


def registry(user, filters: RegistryFilters) -> QuerySet[YoungPerson]:
    queryset = youth_visible(user).annotate(
        has_open_case=Exists(
            Case.objects.filter(young_person=OuterRef("pk"), status=CaseStatus.OPEN)
        )
    )
    if filters.status:
        queryset = queryset.filter(_status_q(filters.status))
    if filters.neet_only:
        queryset = queryset.filter(neet_q())
    if filters.settlement_id:
        queryset = queryset.filter(person__settlement_id=filters.settlement_id)
    if filters.primary_id:
        queryset = queryset.filter(primary_id=filters.primary_id)
    for word in filters.q.lower().split():
        queryset = queryset.filter(person__search_name__contains=word)
    return queryset.order_by("person__surname", "person__name", "pk")


def followups_due(user, *, today: dt.date | None = None) -> dict:
    """Open cases whose follow-up date has come, and placements whose 3- or 6-month check
    is due and not yet recorded."""
    today = today or timezone.localdate()
    cases = cases_visible(user).filter(status=CaseStatus.OPEN, next_followup__lte=today)
    placements = Placement.objects.filter(case__in=cases_visible(user)).select_related(
        "case__young_person__person"
    )
    checks = []
    for p in placements.filter(Q(lasted_3m__isnull=True) | Q(lasted_6m__isnull=True)):
        for months in (3, 6):
            if (
                getattr(p, f"lasted_{months}m") is None
                and add_months(p.started_on, months) <= today
            ):
                checks.append((p, months))
                break
    return {"cases": cases.order_by("next_followup"), "checks": checks}


@dataclass
class Dashboard:
    total: int
    neet: int
    neet_by_settlement: list[tuple[str, int]]
    referrals_by_measure: list[tuple[str, dict]]
    cases_open: int
    cases_placed: int
    placement_rate: float | None
    median_days_to_placement: float | None
    lasted_6m_share: float | None


def _referral_figures(counts: Counter) -> dict:
    """A measure's referrals: all of them, those under way, completed, refused."""
    return {
        "total": sum(counts.values()),
        "under_way": counts["referred"] + counts["accepted"] + counts["started"],
        "completed": counts["completed"],
        "refused": counts["refused"],
    }


def dashboard(user) -> Dashboard:
    people = youth_visible(user)
    neet = people.filter(neet_q())
    by_settlement = Counter(
        (str(p.person.settlement) if p.person.settlement_id else "—") for p in neet
    )
    referrals = Referral.objects.filter(case__in=cases_visible(user)).select_related("measure")
    by_measure: dict[str, Counter] = {}
    for r in referrals:
        by_measure.setdefault(str(r.measure), Counter())[r.status] += 1
    cases = cases_visible(user)
    placed_cases = cases.filter(placements__isnull=False).distinct()
    days = []
    for case in placed_cases.prefetch_related("placements"):
        first = min(p.started_on for p in case.placements.all())
        days.append((first - timezone.localtime(case.opened_at).date()).days)
    checked_6m = Placement.objects.filter(case__in=cases, lasted_6m__isnull=False)
    total_cases = cases.count()
    return Dashboard(
        total=people.count(),
        neet=neet.count(),
        neet_by_settlement=by_settlement.most_common(),
        referrals_by_measure=sorted(
            ((m, _referral_figures(c)) for m, c in by_measure.items()),
            key=lambda item: -item[1]["total"],
        ),
        cases_open=cases.filter(status=CaseStatus.OPEN).count(),
        cases_placed=len(days),
        placement_rate=len(days) / total_cases if total_cases else None,
        median_days_to_placement=statistics.median(days) if days else None,
        lasted_6m_share=(checked_6m.filter(lasted_6m=True).count() / checked_6m.count())
        if checked_6m.exists()
        else None,
    )


def case_history(case: Case) -> list:
    """Who changed what in a case, its referrals and placements, newest first."""
    entries = history_entries(case, _("Case"), show_pii=True)
    for referral in case.referrals.select_related("measure"):
        entries += history_entries(
            referral,
            _("Referral: %(measure)s") % {"measure": referral.measure},
            show_pii=True,
        )
    for placement in case.placements.all():
        entries += history_entries(
            placement,
            _("Placement: %(organization)s") % {"organization": placement.organization},
            show_pii=True,
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def age_limits() -> dict[str, int]:
    """The upper age of each district that set its own: {district's tree path: age}."""
    return dict(YouthRules.objects.values_list("district__path", "max_age"))


def user_active(pk: int):
    """An active user by id (a case's worker named in the API); the service checks that
    they work with the young person's primary."""
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def age_of(yp: YoungPerson) -> int | None:
    return age_on(yp.person.birth_date, timezone.localdate())
