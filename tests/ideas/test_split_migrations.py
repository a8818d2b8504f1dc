"""Splitting the projects app into projects, greening and ideas moved the models, not the
rows: a database filled before the split keeps every planting with its check and history,
and every contest with its criteria, ideas, scores and votes, now read through the new
apps' models. Runs on SQLite and on PostgreSQL (whichever DATABASE_URL selects)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pervichka.greening.models import Planting, SurvivalCheck
from pervichka.ideas.models import Contest, Idea, JuryCriterion, JuryScore, Vote
from pervichka.projects.models import Event, Project
from tests.factories import PersonFactory

# The last state before the split: projects' own migrations up to 0003, no greening, no ideas.
BEFORE_SPLIT = [("projects", "0003_field_labels"), ("greening", None), ("ideas", None)]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


@pytest.mark.django_db(transaction=True)
def test_the_rows_of_plantings_and_the_contest_survive_the_split(tree, chair_a):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    author = PersonFactory(unit=tree.primary_a)
    day = dt.date(2026, 5, 5)
    try:
        executor = _migrate(BEFORE_SPLIT)
        old = executor.loader.project_state([BEFORE_SPLIT[0]]).apps
        tazalike = old.get_model("projects", "Project").objects.get(code="tazalike")
        ideas30 = old.get_model("projects", "Project").objects.get(code="ideas30")
        event = old.get_model("projects", "Event").objects.create(
            project=tazalike, primary_id=tree.primary_a.pk, title="Посадка берёз", date=day
        )
        planting = old.get_model("projects", "Planting").objects.create(
            project=tazalike,
            primary_id=tree.primary_a.pk,
            event=event,
            planted_on=day,
            settlement_id=tree.village.pk,
            species="берёза",
            count=40,
            site_kind="street",
            planted_by="волонтёры",
        )
        old.get_model("projects", "HistoricalPlanting").objects.create(
            id=planting.pk,
            project_id=tazalike.pk,
            primary_id=tree.primary_a.pk,
            planted_on=day,
            settlement_id=tree.village.pk,
            species="берёза",
            count=40,
            site_kind="street",
            planted_by="волонтёры",
            created_at=timezone.now(),
            history_date=timezone.now(),
            history_type="+",
            history_user_id=chair_a.pk,
        )
        old.get_model("projects", "SurvivalCheck").objects.create(
            planting=planting, checked_on=day + dt.timedelta(days=90), alive=31
        )
        contest = old.get_model("projects", "Contest").objects.create(
            project=ideas30,
            district_id=tree.district.pk,
            year=2026,
            submit_until=dt.date(2026, 12, 31),
            vote_until=dt.date(2026, 12, 31),
        )
        criterion = old.get_model("projects", "JuryCriterion").objects.create(
            contest=contest, name="Новизна", weight="0.5"
        )
        idea = old.get_model("projects", "Idea").objects.create(
            contest=contest,
            unit_id=tree.primary_a.pk,
            settlement_id=tree.village.pk,
            title="Фонари на остановках",
            text="Фонари на солнечных батареях на всех остановках села.",
            author_id=author.pk,
            status="published",
            code="SPLIT00001",
            votes_count=1,
        )
        old.get_model("projects", "JuryScore").objects.create(
            idea=idea, criterion=criterion, juror_id=chair_a.pk, score=7
        )
        old.get_model("projects", "Vote").objects.create(idea=idea, voter="v" * 64)
    finally:
        _migrate(latest)

    moved = Planting.objects.select_related("event", "project").get(pk=planting.pk)
    assert (moved.species, moved.count, moved.primary_id) == ("берёза", 40, tree.primary_a.pk)
    assert moved.event == Event.objects.get(pk=event.pk)
    assert moved.project == Project.objects.get(code="tazalike")
    assert list(SurvivalCheck.objects.filter(planting=moved).values_list("alive", flat=True)) == [
        31
    ]
    assert moved.history.get().history_user_id == chair_a.pk
    assert Event.objects.get(pk=event.pk).plantings.get() == moved

    contest_now = Contest.objects.get(pk=contest.pk)
    assert contest_now.project.code == "ideas30"
    assert list(
        JuryCriterion.objects.filter(contest=contest_now).values_list("name", flat=True)
    ) == ["Новизна"]
    idea_now = Idea.objects.get(code="SPLIT00001")
    assert (idea_now.contest_id, idea_now.author_id, idea_now.votes_count) == (
        contest.pk,
        author.pk,
        1,
    )
    assert list(JuryScore.objects.filter(idea=idea_now).values_list("score", flat=True)) == [7]
    assert Vote.objects.filter(idea=idea_now).count() == 1
