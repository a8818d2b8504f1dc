"""Party projects at national scale: a year of events of every primary with their members
as participants and volunteers, ТазаLike plantings with a survival check, and each
district's ideas contest with published ideas and votes."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from pervichka.devdata.scale.base import Progress, ScaleContext, copy_rows, next_id, reset_sequence
from pervichka.projects.enums import IDEAS30
from pervichka.projects.models import (
    Contest,
    Event,
    EventParticipant,
    Idea,
    JuryCriterion,
    Planting,
    Project,
    SurvivalCheck,
    Vote,
)
from pervichka.projects.services import DEFAULT_CRITERIA, new_idea_code

EVENTS_PER_PRIMARY = 6
EVENT_COLUMNS = [
    "id", "project_id", "primary_id", "title", "date", "status", "settlement_id", "place",
    "latitude", "longitude", "description", "results", "spending_id", "created_by_id",
    "created_at",
]  # fmt: skip
PARTICIPANT_COLUMNS = ["id", "event_id", "person_id", "role", "hours"]
PLANTING_COLUMNS = [
    "id", "project_id", "primary_id", "event_id", "planted_on", "settlement_id", "species",
    "count", "site_kind", "latitude", "longitude", "planted_by", "created_by_id", "created_at",
]  # fmt: skip
CHECK_COLUMNS = ["id", "planting_id", "checked_on", "alive", "note", "checked_by_id", "created_at"]
CONTEST_COLUMNS = [
    "id", "project_id", "district_id", "year", "submit_until", "vote_until", "jury_share",
    "shortlist_size",
]  # fmt: skip
CRITERION_COLUMNS = ["id", "contest_id", "name", "name_kk", "name_en", "weight", "max_score"]
IDEA_COLUMNS = [
    "id", "contest_id", "unit_id", "settlement_id", "title", "text", "author_id", "status",
    "status_reason", "merged_into_id", "code", "language", "idempotency_key", "submitted_at",
    "moderated_by_id", "moderated_at", "votes_count",
]  # fmt: skip
VOTE_COLUMNS = ["id", "idea_id", "voter", "voted_at"]


def present() -> bool:
    return Event.objects.exists()


def generate(ctx: ScaleContext) -> None:
    rng = random.Random(ctx.seed + 7)
    now = timezone.now()
    today = timezone.localdate()
    projects = dict(Project.objects.values_list("code", "pk"))
    event_projects = [
        projects["tazalike"],
        projects["tazalike"],
        projects["socium"],
        projects["orleu"],
    ]
    members: dict[int, list[int]] = defaultdict(list)
    for _membership, person_id, primary_id, _joined, _category in ctx.made["memberships"]:
        members[primary_id].append(person_id)

    event_id, participant_id = next_id(Event), next_id(EventParticipant)
    planting_id, check_id = next_id(Planting), next_id(SurvivalCheck)
    events, participants, plantings, checks = [], [], [], []
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
            if project_id == projects["tazalike"]:
                for _ in range(rng.randrange(1, 3)):
                    count = rng.choice([10, 20, 30, 50])
                    plantings.append(
                        (planting_id, project_id, primary_id, event_id, date, settlement_id,
                         rng.choice(["берёза", "вяз", "тополь", "клён"]), count,
                         rng.choice(["street", "roadside", "yard", "school", "shelter_belt"]),
                         None, None, "волонтёры", None, now)
                    )  # fmt: skip
                    if date <= today - dt.timedelta(days=60):
                        checks.append(
                            (check_id, planting_id, date + dt.timedelta(days=60),
                             int(count * rng.choice([0.5, 0.7, 0.9, 1.0])), "", None, now)
                        )  # fmt: skip
                        check_id += 1
                    planting_id += 1
            event_id += 1

    contest_id, criterion_id = next_id(Contest), next_id(JuryCriterion)
    idea_id, vote_id = next_id(Idea), next_id(Vote)
    contests, criteria, ideas, votes = [], [], [], []
    by_district: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for primary_id, path, settlement_id in ctx.made["primaries"]:
        by_district[path[:-4]].append((primary_id, settlement_id))
    for district_id, path in ctx.made["districts"]:
        contests.append(
            (contest_id, projects[IDEAS30], district_id, today.year, dt.date(today.year, 12, 31),
             dt.date(today.year, 12, 31), 0.7, 30)
        )  # fmt: skip
        for ru, kk, en, weight in DEFAULT_CRITERIA:
            criteria.append((criterion_id, contest_id, ru, kk, en, weight, 10))
            criterion_id += 1
        for _ in range(60):
            primary_id, settlement_id = rng.choice(by_district[path])
            authors = members.get(primary_id)
            if not authors:
                continue
            n_votes = rng.randrange(0, 40)
            ideas.append(
                (idea_id, contest_id, primary_id, settlement_id, "Идея для села",
                 "Описание идеи жителя для конкурса тридцати идей.", rng.choice(authors),
                 "published", "", None, new_idea_code(), "ru", None, now, None, now, n_votes)
            )  # fmt: skip
            for voter in range(n_votes):
                votes.append((vote_id, idea_id, f"{idea_id:010d}{voter:054d}", now))
                vote_id += 1
            idea_id += 1
        contest_id += 1

    total = sum(
        map(len, (events, participants, plantings, checks, contests, criteria, ideas, votes))
    )
    progress = Progress("projects", total, quiet=ctx.quiet)
    copy_rows(Event, EVENT_COLUMNS, events, progress)
    copy_rows(EventParticipant, PARTICIPANT_COLUMNS, participants, progress)
    copy_rows(Planting, PLANTING_COLUMNS, plantings, progress)
    copy_rows(SurvivalCheck, CHECK_COLUMNS, checks, progress)
    copy_rows(Contest, CONTEST_COLUMNS, contests, progress)
    copy_rows(JuryCriterion, CRITERION_COLUMNS, criteria, progress)
    copy_rows(Idea, IDEA_COLUMNS, ideas, progress)
    copy_rows(Vote, VOTE_COLUMNS, votes, progress)
    progress.close()
    for model in (
        Event,
        EventParticipant,
        Planting,
        SurvivalCheck,
        Contest,
        JuryCriterion,
        Idea,
        Vote,
    ):
        reset_sequence(model)
    ctx.made["events"] = len(events)
    ctx.made["plantings"] = len(plantings)
