"""Young people and their cases at national scale: the generated members up to 29 are put
on their primaries' registers, and half of those without work or study get a case."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pervichka.devdata.scale.base import Progress, ScaleContext, copy_rows, next_id, reset_sequence
from pervichka.people.models import Membership
from pervichka.youth.models import Case, YoungPerson

YP_COLUMNS = [
    "id",
    "person_id",
    "primary_id",
    "education",
    "graduated_year",
    "specialty",
    "skills",
    "employed",
    "employer",
    "in_education",
    "in_training",
    "military_service",
    "parental_leave",
    "registered_job_seeker",
    "notes",
    "created_at",
    "updated_at",
]
CASE_COLUMNS = [
    "id",
    "young_person_id",
    "worker_id",
    "status",
    "needs",
    "assessment",
    "plan",
    "next_followup",
    "opened_at",
    "opened_by_id",
    "closed_at",
    "close_reason",
]


def generate(ctx: ScaleContext) -> None:
    rng = random.Random(ctx.seed + 6)
    now = timezone.now()
    today = timezone.localdate()
    young = list(
        Membership.objects.filter(
            person__birth_date__gte=today - dt.timedelta(days=29 * 365)
        ).values_list("person_id", "primary_id")
    )
    yp_id, case_id = next_id(YoungPerson), next_id(Case)
    people, cases = [], []
    for person_id, primary_id in young:
        employed = rng.random() < 0.5
        studies = not employed and rng.random() < 0.4
        people.append(
            (
                yp_id,
                person_id,
                primary_id,
                rng.choice(["secondary", "vocational", "higher"]),
                None,
                "",
                "",
                employed,
                "",
                studies,
                False,
                False,
                False,
                rng.random() < 0.3,
                "",
                now,
                now,
            )
        )
        if not employed and not studies and rng.random() < 0.5:
            opened = now - dt.timedelta(days=rng.randrange(1, 365))
            cases.append(
                (
                    case_id,
                    yp_id,
                    None,
                    "open",
                    '["employment"]',
                    "",
                    "",
                    today + dt.timedelta(days=rng.randrange(-30, 30)),
                    opened,
                    None,
                    None,
                    "",
                )
            )
            case_id += 1
        yp_id += 1
    progress = Progress("young people", len(people) + len(cases), quiet=ctx.quiet)
    copy_rows(YoungPerson, YP_COLUMNS, people, progress)
    copy_rows(Case, CASE_COLUMNS, cases, progress)
    progress.close()
    reset_sequence(YoungPerson)
    reset_sequence(Case)
