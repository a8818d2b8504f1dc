"""The School over the API: courses, cohorts in scope with their students, coverage of the
chairs; public verification of a certificate."""

import datetime as dt

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from pervichka.core.api import actor
from pervichka.core.ratelimit import client_ip, hit
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere
from pervichka.orgs.selectors import org_unit_get
from pervichka.people.selectors import persons_visible
from pervichka.training import selectors, services

router = Router(tags=["training"])
public_router = Router(tags=["public"], auth=None)


class CourseOut(Schema):
    id: int
    code: str
    name: str
    hours: float
    pass_mark: int
    min_attendance: int
    required_for_chairs: bool


class EnrolmentOut(Schema):
    id: int
    person_id: int
    name: str
    primary_id: int | None
    status: str
    score: int | None
    completed_on: dt.date | None
    certificate_code: str | None


class TrainerOut(Schema):
    id: int
    name: str


class CohortOut(Schema):
    id: int
    course_id: int
    unit_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    trainers: list[TrainerOut]
    sessions: int
    students: list[EnrolmentOut]


class EnrolIn(Schema):
    person_id: int


class AssessIn(Schema):
    score: int = Field(..., ge=0, le=100)


class CoverageRowOut(Schema):
    primary_id: int
    primary: str
    chair_person_id: int
    chair: str
    trained: bool


class CoverageOut(Schema):
    unit_id: int
    share: float | None
    chairs: list[CoverageRowOut]


class CertificateOut(Schema):
    valid: bool
    holder: str
    course: str
    completed_on: dt.date
    issued_by: str


def _enrolment(e) -> dict:
    return {
        "id": e.pk,
        "person_id": e.person_id,
        "name": e.person.full_name,
        "primary_id": e.primary_id,
        "status": e.status,
        "score": e.score,
        "completed_on": e.completed_on,
        "certificate_code": e.certificate_code,
    }


def _cohort(c) -> dict:
    return {
        "id": c.pk,
        "course_id": c.course_id,
        "unit_id": c.unit_id,
        "name": c.name,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "trainers": [
            {"id": t.pk, "name": selectors.trainer_name(t)}
            for t in sorted(c.trainers.all(), key=lambda t: (t.last_name, t.first_name, t.pk))
        ],
        "sessions": c.sessions.count(),
        "students": [_enrolment(e) for e in c.enrolments.select_related("person")],
    }


@router.get("/courses", response=list[CourseOut], summary="The School's courses")
def list_courses(request):
    if not has_perm_anywhere(actor(request), Perm.TRAINING_VIEW):
        return []
    return [
        {
            "id": c.pk,
            "code": c.code,
            "name": str(c),
            "hours": float(c.hours),
            "pass_mark": c.pass_mark,
            "min_attendance": c.min_attendance,
            "required_for_chairs": c.required_for_chairs,
        }
        for c in selectors.courses_active()
    ]


@router.get("/cohorts", response=list[CohortOut], summary="Cohorts run in scope")
def list_cohorts(request):
    return [_cohort(c) for c in selectors.cohorts_visible(actor(request))[:200]]


@router.get("/cohorts/{cohort_id}", response=CohortOut)
def get_cohort(request, cohort_id: int):
    return _cohort(selectors.cohort_get(actor(request), cohort_id))


@router.post("/cohorts/{cohort_id}/enrolments", response={201: EnrolmentOut})
def enrol(request, cohort_id: int, payload: EnrolIn):
    user = actor(request)
    cohort = selectors.cohort_get(user, cohort_id, perm=Perm.TRAINING_MANAGE)
    person = get_or_404(persons_visible(user), pk=payload.person_id)
    return Status(201, _enrolment(services.enrol(actor=user, cohort=cohort, person=person)))


@router.post(
    "/cohorts/{cohort_id}/enrolments/{enrolment_id}/assessment",
    response=EnrolmentOut,
    summary="Record the score; a pass with enough attendance issues the certificate",
)
def assess(request, cohort_id: int, enrolment_id: int, payload: AssessIn):
    user = actor(request)
    cohort = selectors.cohort_get(user, cohort_id, perm=Perm.TRAINING_MANAGE)
    enrolment = get_or_404(cohort.enrolments.select_related("person"), pk=enrolment_id)
    return _enrolment(services.assess(actor=user, enrolment=enrolment, score=payload.score))


@router.get("/coverage/{unit_id}", response=CoverageOut, summary="Chairs trained under a unit")
def coverage(request, unit_id: int):
    unit = org_unit_get(actor(request), unit_id, perm=Perm.TRAINING_VIEW)
    rows, share = selectors.coverage(unit)
    return {
        "unit_id": unit.pk,
        "share": share,
        "chairs": [
            {
                "primary_id": r.primary.pk,
                "primary": str(r.primary),
                "chair_person_id": r.chair.pk,
                "chair": r.chair.full_name,
                "trained": r.trained,
            }
            for r in rows
        ],
    }


@public_router.get(
    "/{code}", response=CertificateOut, summary="Check a certificate of the School by its code"
)
def verify(request, code: str):
    if not hit("certificate-verify", client_ip(request), limit=120, window_seconds=3600):
        raise HttpError(429, _("Too many attempts. Please try again in an hour."))
    found = selectors.certificate(code)
    if found is None:
        raise Http404
    person = found.person
    initials = f"{person.name[:1]}." + (f" {person.patronymic[:1]}." if person.patronymic else "")
    return {
        "valid": True,
        "holder": f"{person.surname} {initials}",
        "course": str(found.cohort.course),
        "completed_on": found.completed_on,
        "issued_by": str(found.cohort.unit),
    }
