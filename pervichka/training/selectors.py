"""Reads of the School: cohorts where they are run, enrolments under the person's primary,
coverage of the chairs, certificates by code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from pervichka.accounts.models import User
from pervichka.accounts.selectors import users_with_perm_anywhere, users_with_perm_in
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_nationally, scope_paths
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.training.enums import EnrolmentStatus
from pervichka.training.models import Cohort, Course, Enrolment, Module, Session
from pervichka.training.services import current_chairs


def cohorts_visible(user, *, perm: Perm = Perm.TRAINING_VIEW) -> QuerySet[Cohort]:
    return (
        Cohort.objects.visible_to(user, perm)
        .select_related("course", "unit")
        .prefetch_related("trainers")
    )


def cohort_get(user, pk: object, *, perm: Perm = Perm.TRAINING_VIEW) -> Cohort:
    return get_or_404(cohorts_visible(user, perm=perm), pk=pk)


def trainer_candidates(user) -> QuerySet:
    """Who may be named a cohort's trainer by `user`: the user, and the active users holding
    TRAINING_MANAGE (trainers, administrators) in or above the units the user runs cohorts
    at. Whether one holds it at the chosen organizer is checked when the cohort is saved."""
    paths = scope_paths(user, Perm.TRAINING_MANAGE)
    ids = {user.pk}
    if paths is None:
        ids |= set(users_with_perm_anywhere(Perm.TRAINING_MANAGE).values_list("pk", flat=True))
    else:
        for unit in OrgUnit.objects.filter(path__in=paths):
            ids |= set(users_with_perm_in(Perm.TRAINING_MANAGE, unit).values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")


def trainer_name(user) -> str:
    return user.get_full_name() or user.username


def enrolments_visible(user) -> QuerySet[Enrolment]:
    """Enrolments the user may see: of the cohorts they run, or of people of their primaries."""
    of_cohorts = Enrolment.objects.visible_to(user, Perm.TRAINING_VIEW)
    of_primaries = Enrolment.objects.filter(
        primary__in=OrgUnit.objects.visible_to(user, Perm.TRAINING_VIEW)
    )
    return (of_cohorts | of_primaries).select_related("person", "cohort__course", "primary")


def session_get(user, pk: object, *, perm: Perm = Perm.TRAINING_MANAGE) -> Session:
    return get_or_404(
        Session.objects.visible_to(user, perm).select_related(
            "cohort__course", "cohort__unit", "module"
        ),
        pk=pk,
    )


def module_material_get(pk: object) -> Module:
    """A module with a material file (the courses are the School's, open to all its users)."""
    return get_or_404(Module.objects.exclude(material_file=""), pk=pk)


def coverage_default_unit(user) -> OrgUnit | None:
    """The unit the coverage page opens on: the top of the user's scope (the first one if
    several), for a superuser the first district."""
    paths = scope_paths(user, Perm.TRAINING_VIEW)
    units = OrgUnit.objects.visible_to(user, Perm.TRAINING_VIEW)
    if paths:
        return units.filter(path=paths[0]).first()
    return units.filter(kind=OrgKind.DISTRICT).first()


def certificate(code: str) -> Enrolment | None:
    return (
        Enrolment.objects.filter(
            certificate_code=(code or "").strip().upper(), status=EnrolmentStatus.COMPLETED
        )
        .select_related("person", "cohort__course", "cohort__unit")
        .first()
    )


def can_manage_courses(user) -> bool:
    """The School's programme is national: its courses are kept by those who manage training
    at the party's level (and superusers); everyone else gets a 404 on the course pages."""
    return has_perm_nationally(user, Perm.TRAINING_MANAGE)


def courses_all() -> QuerySet[Course]:
    return Course.objects.prefetch_related("modules").order_by("pk")


def course_get(user, pk: object) -> Course:
    if not can_manage_courses(user):
        raise Http404
    return get_or_404(Course.objects.all(), pk=pk)


def courses_active() -> QuerySet[Course]:
    return Course.objects.filter(is_active=True).prefetch_related("modules")


def cohort_table(cohort: Cohort):
    """Each enrolment with the sessions attended, for the cohort's page."""
    return cohort.enrolments.select_related("person", "primary").annotate(
        attended=Count("attendance", filter=Q(attendance__present=True))
    )


@dataclass
class CoverageRow:
    primary: OrgUnit
    chair: object
    trained: bool
    enrolment: Enrolment | None


def coverage(unit: OrgUnit, on: dt.date | None = None) -> tuple[list[CoverageRow], float | None]:
    """The current chairs under `unit` and whether each completed a course required for chairs;
    the share of the trained."""
    chairs = list(current_chairs(unit, on))
    person_ids = [p.person_id for p in chairs]
    latest: dict[int, Enrolment] = {}
    for e in (
        Enrolment.objects.filter(person_id__in=person_ids, cohort__course__required_for_chairs=True)
        .select_related("cohort__course")
        .order_by("enrolled_at")
    ):
        if (
            latest.get(e.person_id) is None
            or latest[e.person_id].status != EnrolmentStatus.COMPLETED
        ):
            latest[e.person_id] = e
    rows = [
        CoverageRow(
            primary=p.org_unit,
            chair=p.person,
            trained=bool(latest.get(p.person_id))
            and latest[p.person_id].status == EnrolmentStatus.COMPLETED,
            enrolment=latest.get(p.person_id),
        )
        for p in chairs
    ]
    rows.sort(key=lambda r: (r.trained, r.primary.name))
    share = sum(r.trained for r in rows) / len(rows) if rows else None
    return rows, share
