"""The ideas contest at national scale: each district's contest of the year with the default
criteria, 60 published ideas of its primaries' members, and their votes."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from pervichka.core import tree
from pervichka.devdata.scale.base import Progress, ScaleContext, copy_rows, next_id, reset_sequence
from pervichka.devdata.scale.projects import members_by_primary
from pervichka.ideas.models import Contest, Idea, JuryCriterion, Vote
from pervichka.ideas.services import DEFAULT_CRITERIA, new_idea_code
from pervichka.projects.enums import IDEAS30
from pervichka.projects.models import Project

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
    return Contest.objects.exists()


def generate(ctx: ScaleContext) -> None:
    rng = random.Random(ctx.seed + 9)
    now = timezone.now()
    today = timezone.localdate()
    project_id = Project.objects.get(code=IDEAS30).pk
    members = members_by_primary(ctx)

    contest_id, criterion_id = next_id(Contest), next_id(JuryCriterion)
    idea_id, vote_id = next_id(Idea), next_id(Vote)
    contests, criteria, ideas, votes = [], [], [], []
    by_district: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for primary_id, path, settlement_id in ctx.made["primaries"]:
        by_district[tree.district_path(path)].append((primary_id, settlement_id))
    for district_id, path in ctx.made["districts"]:
        contests.append(
            (contest_id, project_id, district_id, today.year, dt.date(today.year, 12, 31),
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

    total = sum(map(len, (contests, criteria, ideas, votes)))
    progress = Progress("ideas", total, quiet=ctx.quiet)
    copy_rows(Contest, CONTEST_COLUMNS, contests, progress)
    copy_rows(JuryCriterion, CRITERION_COLUMNS, criteria, progress)
    copy_rows(Idea, IDEA_COLUMNS, ideas, progress)
    copy_rows(Vote, VOTE_COLUMNS, votes, progress)
    progress.close()
    for model in (Contest, JuryCriterion, Idea, Vote):
        reset_sequence(model)
