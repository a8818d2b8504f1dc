"""Writes of the School: cohorts, sessions, enrolment, attendance, assessment and the
certificate. Cohorts are managed where they are run (TRAINING_MANAGE at the organizer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core.codes import random_code
from pervichka.core.history import save_as
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at, has_perm_nationally
from pervichka.core.services import notification_queue
from pervichka.orgs.enums import OrgKind, PositionKind
from pervichka.orgs.models import OrgUnit, Position
from pervichka.people.models import Membership, Person
from pervichka.training.enums import EnrolmentStatus
from pervichka.training.models import Attendance, Cohort, Course, Enrolment, Module, Session

E = EnrolmentStatus


def _require(actor, unit: OrgUnit) -> None:
    if not has_perm_at(actor, Perm.TRAINING_MANAGE, unit.path):
        raise Http404


def _trainers_refused(trainers: list, unit: OrgUnit) -> str:
    """Why some of `trainers` may not run cohorts of `unit`, or "" when all may."""
    outside = [
        t
        for t in trainers
        if not t.is_active or not has_perm_at(t, Perm.TRAINING_MANAGE, unit.path)
    ]
    if not outside:
        return ""
    return _(
        "%(names)s may not run cohorts of %(unit)s: choose trainers or administrators "
        "of this organization or above it."
    ) % {"names": ", ".join(t.get_full_name() or t.username for t in outside), "unit": unit}


@transaction.atomic
def cohort_trainers_set(*, actor, cohort: Cohort, trainers) -> Cohort:
    """Change who runs a cohort (a trainer falls ill, another takes over)."""
    _require(actor, cohort.unit)
    trainers = list(trainers)
    refused = _trainers_refused(trainers, cohort.unit)
    if refused:
        raise ValidationError({"trainers": refused})
    cohort.trainers.set(trainers)
    return cohort


@transaction.atomic
def cohort_create(
    *,
    actor,
    course: Course,
    unit: OrgUnit,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str = "",
    trainers=(),
) -> Cohort:
    """A cohort of the course run by `unit`; its trainers are users who manage training
    there (trainers or administrators of the unit or above)."""
    _require(actor, unit)
    errors = {}
    if not course.is_active:
        errors["course"] = _("This course is closed.")
    if not (name or "").strip():
        errors["name"] = _("Name the cohort, e.g. «Akzhar, spring 2026».")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("A cohort cannot end before it starts.")
    trainers = list(trainers)
    refused = _trainers_refused(trainers, unit)
    if refused:
        errors["trainers"] = refused
    if errors:
        raise ValidationError(errors)
    cohort = Cohort.objects.create(
        course=course,
        unit=unit,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        place=(place or "").strip(),
    )
    cohort.trainers.set(trainers)
    return cohort


@transaction.atomic
def session_add(
    *,
    actor,
    cohort: Cohort,
    starts_at: dt.datetime,
    hours: Decimal,
    module: Module | None = None,
    place: str = "",
) -> Session:
    _require(actor, cohort.unit)
    errors = {}
    if module is not None and module.course_id != cohort.course_id:
        errors["module"] = _("Choose a module of this cohort's course.")
    if hours is None or not Decimal(0) < Decimal(hours) <= Decimal(12):
        errors["hours"] = _("A session lasts more than 0 and at most 12 hours.")
    if starts_at is None or not (
        cohort.starts_on <= timezone.localtime(starts_at).date() <= cohort.ends_on
    ):
        errors["starts_at"] = _("A session falls within the cohort's dates (%(from)s–%(to)s).") % {
            "from": cohort.starts_on.strftime("%d.%m.%Y"),
            "to": cohort.ends_on.strftime("%d.%m.%Y"),
        }
    if errors:
        raise ValidationError(errors)
    return Session.objects.create(
        cohort=cohort, module=module, starts_at=starts_at, hours=hours, place=(place or "").strip()
    )


def _primary_of(person: Person) -> OrgUnit | None:
    membership = (
        Membership.objects.filter(person=person, status="active").select_related("primary").first()
    )
    if membership is not None:
        return membership.primary
    chair = Position.objects.filter(person=person, end__isnull=True).select_related("org_unit")
    return chair.first().org_unit if chair.exists() else None


def completed_course(person: Person, course: Course) -> bool:
    return Enrolment.objects.filter(
        person=person, cohort__course=course, status=E.COMPLETED
    ).exists()


@transaction.atomic
def enrol(*, actor, cohort: Cohort, person: Person) -> Enrolment:
    _require(actor, cohort.unit)
    if cohort.ends_on < timezone.localdate():
        raise ValidationError(_("This cohort has ended: enrol in a current one."))
    if completed_course(person, cohort.course):
        raise ValidationError(_("%(name)s has already completed this course.") % {"name": person})
    try:
        with transaction.atomic():
            enrolment = Enrolment(cohort=cohort, person=person, primary=_primary_of(person))
            save_as(enrolment, actor)
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s is already enrolled in this cohort.") % {"name": person}
        ) from exc
    return enrolment


def current_chairs(unit: OrgUnit, on: dt.date | None = None):
    """The chairs of the primaries under `unit` on a day (the current ones by default)."""
    on = on or timezone.localdate()
    return (
        Position.objects.filter(
            kind=PositionKind.CHAIR,
            org_unit__path__startswith=unit.path,
            org_unit__kind=OrgKind.PRIMARY,
            start__lte=on,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("person", "org_unit")
    )


@transaction.atomic
def enrol_chairs(*, actor, cohort: Cohort) -> int:
    """Enrol every current chair under the organizer who has not completed the course and is
    not in this cohort yet; returns how many were enrolled."""
    _require(actor, cohort.unit)
    enrolled = set(cohort.enrolments.values_list("person_id", flat=True))
    done = set(
        Enrolment.objects.filter(cohort__course=cohort.course, status=E.COMPLETED).values_list(
            "person_id", flat=True
        )
    )
    count = 0
    for position in current_chairs(cohort.unit):
        if position.person_id in enrolled | done:
            continue
        enrolment = Enrolment(cohort=cohort, person=position.person, primary=position.org_unit)
        save_as(enrolment, actor)
        enrolled.add(position.person_id)
        count += 1
    return count


@transaction.atomic
def attendance_mark(*, actor, session: Session, present: set[int]) -> int:
    """Who was at a session: the ids of the cohort's enrolments present; the rest absent."""
    _require(actor, session.cohort.unit)
    if timezone.localtime(session.starts_at).date() > timezone.localdate():
        raise ValidationError(_("Attendance is marked on the day of the session or later."))
    enrolments = list(session.cohort.enrolments.exclude(status=E.WITHDRAWN))
    unknown = set(present) - {e.pk for e in enrolments}
    if unknown:
        raise ValidationError(_("Some of the people marked are not in this cohort."))
    for enrolment in enrolments:
        Attendance.objects.update_or_create(
            session=session, enrolment=enrolment, defaults={"present": enrolment.pk in present}
        )
    return len(present)


def attendance_share(enrolment: Enrolment) -> float | None:
    """Sessions attended / sessions held so far (None before any session)."""
    held = enrolment.cohort.sessions.filter(starts_at__lte=timezone.now()).count()
    if not held:
        return None
    attended = enrolment.attendance.filter(present=True, session__starts_at__lte=timezone.now())
    return attended.count() / held


def new_certificate_code() -> str:
    return random_code(12)


@transaction.atomic
def assess(*, actor, enrolment: Enrolment, score: int) -> Enrolment:
    """The assessment's result: a pass with enough attendance completes the course and
    issues the certificate; otherwise the enrolment did not pass, with the reason noted."""
    _require(actor, enrolment.cohort.unit)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("cohort__course")
        .get(pk=enrolment.pk)
    )
    if enrolment.status in (E.COMPLETED, E.WITHDRAWN):
        raise ValidationError(
            _("This enrolment is «%(status)s»: it cannot be assessed again.")
            % {"status": enrolment.get_status_display()}
        )
    if score is None or not 0 <= int(score) <= 100:
        raise ValidationError({"score": _("A score is from 0 to 100.")})
    course = enrolment.cohort.course
    share = attendance_share(enrolment)
    enrolment.score = int(score)
    enrolment.assessed_at = timezone.now()
    if share is None or share * 100 < course.min_attendance:
        enrolment.status = E.FAILED
        enrolment.note = _("Attended %(share)d%% of the sessions; %(need)d%% are needed.") % {
            "share": round((share or 0) * 100),
            "need": course.min_attendance,
        }
    elif enrolment.score < course.pass_mark:
        enrolment.status = E.FAILED
        enrolment.note = _("Scored %(score)d; the pass mark is %(mark)d.") % {
            "score": enrolment.score,
            "mark": course.pass_mark,
        }
    else:
        enrolment.status = E.COMPLETED
        enrolment.completed_on = timezone.localdate()
        enrolment.certificate_code = new_certificate_code()
        enrolment.note = ""
    save_as(enrolment, actor)
    return enrolment


@transaction.atomic
def withdraw(*, actor, enrolment: Enrolment, reason: str) -> Enrolment:
    _require(actor, enrolment.cohort.unit)
    if enrolment.status == E.COMPLETED:
        raise ValidationError(_("A completed course cannot be withdrawn from."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the person withdrew.")})
    enrolment.status = E.WITHDRAWN
    enrolment.note = reason.strip()[:255]
    save_as(enrolment, actor)
    return enrolment


def remind_sessions(now: dt.datetime | None = None) -> int:
    """SMS to everyone enrolled about a session in the next 24 hours; once per session."""
    now = now or timezone.now()
    sent = 0
    sessions = Session.objects.filter(
        starts_at__gt=now, starts_at__lte=now + dt.timedelta(hours=24)
    ).select_related("cohort__course", "module")
    for session in sessions:
        when = timezone.localtime(session.starts_at).strftime("%d.%m %H:%M")
        for enrolment in session.cohort.enrolments.filter(status=E.ENROLLED).select_related(
            "person"
        ):
            text = _("School of political management: %(course)s, session %(when)s, %(place)s.") % {
                "course": session.cohort.course,
                "when": when,
                "place": session.place or session.cohort.place,
            }
            if notification_queue(
                channel="sms",
                to=enrolment.person.phone,
                body=text,
                kind="training_session",
                ref=f"session:{session.pk}",
                dedupe_key=f"session:{session.pk}:{enrolment.pk}",
            ):
                sent += 1
    return sent


@transaction.atomic
def course_save(*, actor, course: Course, modules: list[Module]) -> Course:
    """Create or change a course of the School and its modules (national: only those who
    manage training at the party's level)."""
    if not has_perm_nationally(actor, Perm.TRAINING_MANAGE):
        raise Http404
    course.full_clean()
    course.save()
    for module in modules:
        module.course = course
        module.full_clean()
        module.save()
    return course
