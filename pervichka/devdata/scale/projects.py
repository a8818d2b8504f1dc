"""Party projects at national scale: a year of events of every primary with their members
as participants and volunteers. The plantings at the ТазаLike events are
devdata.scale.greening's, each district's contest of ideas devdata.scale.ideas'."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from pervichka.devdata.scale.base import Progress, ScaleContext, copy_rows, next_id, reset_sequence
from pervichka.projects.enums import ORLEU, SOCIUM, TAZALIKE
from pervichka.projects.models import Event, EventParticipant, Project

EVENTS_PER_PRIMARY = 6
EVENT_COLUMNS = [
    "id", "project_id", "primary_id", "title", "date", "status", "settlement_id", "place",
    "latitude", "longitude", "description", "results", "spending_id", "created_by_id",
    "created_at",
]  # fmt: skip
PARTICIPANT_COLUMNS = ["id", "event_id", "person_id", "role", "hours"]


def members_by_primary(ctx: ScaleContext) -> dict[int, list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for _membership, person_id, primary_id, _joined, _category in ctx.made["memberships"]:
        members[primary_id].append(person_id)
    return members


def present() -> bool:
    return Event.objects.exists()


def generate(ctx: ScaleContext) -> None:
    rng = random.Random(ctx.seed + 7)
    now = timezone.now()
    today = timezone.localdate()
    projects = dict(Project.objects.values_list("code", "pk"))
    event_projects = [projects[TAZALIKE], projects[TAZALIKE], projects[SOCIUM], projects[ORLEU]]
    members = members_by_primary(ctx)

    event_id, participant_id = next_id(Event), next_id(EventParticipant)
    events, participants = [], []
    for primary_id, _path, settlement_id in ctx.made["primaries"]:
        people = members.get(primary_id, [])
        for _ in range(EVENTS_PER_PRIMARY):
            project_id = rng.choice(event_projects)
            date = today - dt.timedelta(days=rng.randrange(0, 365))
            events.append(
                (event_id, project_id, primary_id, "Мероприятие первички", date, "held",
                 settlement_id, "", None, None, "", "Проведено", None, None, now)
            )  # fmt: skip
            for person_id in rng.sample(people, k=min(len(people), rng.randrange(3, 12))):
                volunteer = rng.random() < 0.6
                role, hours = (
                    ("volunteer", rng.choice([2, 3, 4])) if volunteer else ("participant", 0)
                )
                participants.append((participant_id, event_id, person_id, role, hours))
                participant_id += 1
            event_id += 1

    progress = Progress("projects", len(events) + len(participants), quiet=ctx.quiet)
    copy_rows(Event, EVENT_COLUMNS, events, progress)
    copy_rows(EventParticipant, PARTICIPANT_COLUMNS, participants, progress)
    progress.close()
    for model in (Event, EventParticipant):
        reset_sequence(model)
    ctx.made["events"] = len(events)
