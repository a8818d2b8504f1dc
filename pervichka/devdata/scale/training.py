"""The School at national scale: a chair in every primary (when the org step made none), one
cohort of the chairs' course per district with six past sessions, attendance, results."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from pervichka.core.tree import district_path
from pervichka.devdata.scale.base import Progress, ScaleContext, copy_rows, next_id, reset_sequence
from pervichka.orgs.models import Position
from pervichka.training.models import Attendance, Cohort, Course, Enrolment, Module, Session
from pervichka.training.services import new_certificate_code

POSITION_COLUMNS = ["id", "org_unit_id", "person_id", "kind", "start", "end", "note"]
COHORT_COLUMNS = ["id", "course_id", "unit_id", "name", "starts_on", "ends_on", "place"]
SESSION_COLUMNS = ["id", "cohort_id", "module_id", "starts_at", "hours", "place"]
ENROLMENT_COLUMNS = [
    "id", "cohort_id", "person_id", "primary_id", "status", "score", "assessed_at",
    "completed_on", "certificate_code", "note", "enrolled_at",
]  # fmt: skip
ATTENDANCE_COLUMNS = ["id", "session_id", "enrolment_id", "present"]


def present() -> bool:
    return Cohort.objects.exists()


def generate(ctx: ScaleContext) -> None:
    rng = random.Random(ctx.seed + 9)
    now = timezone.now()
    today = timezone.localdate()
    course, created = Course.objects.get_or_create(
        code="chair-basics",
        defaults={"name": "Председатель первички", "required_for_chairs": True},
    )
    if created or not course.modules.exists():
        for order in range(1, 7):
            Module.objects.create(course=course, order=order, name=f"Модуль {order}", hours=4)
    modules = list(course.modules.values_list("pk", flat=True))

    first_member: dict[int, int] = {}
    for _m, person_id, primary_id, _joined, _cat in ctx.made["memberships"]:
        first_member.setdefault(primary_id, person_id)
    chairs = dict(
        Position.objects.filter(kind="chair", end__isnull=True).values_list(
            "org_unit_id", "person_id"
        )
    )
    positions = []
    if not chairs:
        position_id = next_id(Position)
        for primary_id, person_id in first_member.items():
            positions.append(
                (position_id, primary_id, person_id, "chair", dt.date(2023, 1, 1), None, "")
            )
            chairs[primary_id] = person_id
            position_id += 1
    by_district: dict[str, list[int]] = defaultdict(list)
    for primary_id, path, _s in ctx.made["primaries"]:
        by_district[district_path(path)].append(primary_id)

    cohort_id, session_id = next_id(Cohort), next_id(Session)
    enrolment_id, attendance_id = next_id(Enrolment), next_id(Attendance)
    cohorts, sessions, enrolments, attendance = [], [], [], []
    start = today - dt.timedelta(days=90)
    for district_id, path in ctx.made["districts"]:
        cohorts.append(
            (cohort_id, course.pk, district_id, "Поток", start, start + dt.timedelta(days=40), "")
        )
        ids = []
        for n, module_id in enumerate(modules):
            when = timezone.make_aware(
                dt.datetime.combine(start + dt.timedelta(days=n * 6), dt.time(10))
            )
            sessions.append((session_id, cohort_id, module_id, when, Decimal(4), ""))
            ids.append(session_id)
            session_id += 1
        for primary_id in by_district.get(path, []):
            person_id = chairs.get(primary_id)
            if person_id is None:
                continue
            passed = rng.random() < 0.6
            enrolments.append(
                (enrolment_id, cohort_id, person_id, primary_id,
                 "completed" if passed else "enrolled", rng.randrange(60, 100) if passed else None,
                 now if passed else None, start + dt.timedelta(days=40) if passed else None,
                 new_certificate_code() if passed else None, "", now)
            )  # fmt: skip
            for sid in ids:
                attendance.append((attendance_id, sid, enrolment_id, passed or rng.random() < 0.7))
                attendance_id += 1
            enrolment_id += 1
        cohort_id += 1
    total = sum(map(len, (positions, cohorts, sessions, enrolments, attendance)))
    progress = Progress("training", total, quiet=ctx.quiet)
    copy_rows(Position, POSITION_COLUMNS, positions, progress)
    copy_rows(Cohort, COHORT_COLUMNS, cohorts, progress)
    copy_rows(Session, SESSION_COLUMNS, sessions, progress)
    copy_rows(Enrolment, ENROLMENT_COLUMNS, enrolments, progress)
    copy_rows(Attendance, ATTENDANCE_COLUMNS, attendance, progress)
    progress.close()
    for model in (Position, Cohort, Session, Enrolment, Attendance):
        reset_sequence(model)
