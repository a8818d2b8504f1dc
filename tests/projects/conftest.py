import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pervichka.core.iin import generate_iin
from pervichka.core.roles import Role
from pervichka.greening import services as greening_services
from pervichka.ideas import services as ideas_services
from pervichka.ideas.models import Contest
from pervichka.people.services import PersonData
from pervichka.projects import services
from pervichka.projects.models import Project
from tests.factories import UserFactory, grant

# A point in the demo district (North Kazakhstan) and one far outside the country.
LAT, LON = Decimal("53.640000"), Decimal("69.350000")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; tests/test_i18n.py checks the catalogs."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def projects(db) -> dict[str, Project]:
    return {p.code: p for p in Project.objects.all()}


@pytest.fixture
def juror(tree):
    return grant(UserFactory(username="juror"), Role.JUROR, tree.district)


@pytest.fixture
def village(tree):
    tree.village.latitude, tree.village.longitude = LAT, LON
    tree.village.save()
    return tree.village


def this_year(day: dt.date) -> dt.date:
    """`day`, or 1 January when it falls in last year: the pages and KPIs the tests read
    show the current year, also when the tests run on 1 January."""
    return max(day, dt.date(timezone.localdate().year, 1, 1))


@pytest.fixture
def make_event(tree, chair_a, projects, village):
    def _make(
        *,
        project="socium",
        primary=None,
        actor=None,
        title="Субботник у школы",
        date=None,
        held=True,
        results="Убрали двор школы",
    ):
        event = services.event_create(
            actor=actor or chair_a,
            project=projects[project],
            primary=primary or tree.primary_a,
            data=services.EventData(
                title=title,
                date=date or this_year(timezone.localdate() - dt.timedelta(days=3)),
                settlement=village
                if (primary or tree.primary_a).path.startswith(tree.district.path)
                else tree.other_village,
                latitude=LAT,
                longitude=LON,
            ),
        )
        if held:
            event = services.event_set_status(
                actor=actor or chair_a, event=event, status="held", results=results
            )
        return event

    return _make


@pytest.fixture
def person_data():
    counter = {"n": 0}

    def _data(surname="Волонтёров", age=20, **extra):
        counter["n"] += 1
        today = timezone.localdate()
        return PersonData(
            iin=generate_iin(dt.date(today.year - age, 5, 5), "F", serial=500 + counter["n"]),
            surname=surname,
            name=f"Волонтёр{counter['n']}",
            consent_method="paper",
            **extra,
        )

    return _data


@pytest.fixture
def make_planting(tree, chair_a, projects, village):
    def _make(count=50, days_ago=200, primary=None, actor=None, species="берёза", planted_on=None):
        return greening_services.planting_create(
            actor=actor or chair_a,
            project=projects["tazalike"],
            primary=primary or tree.primary_a,
            data=greening_services.PlantingData(
                planted_on=planted_on
                or this_year(timezone.localdate() - dt.timedelta(days=days_ago)),
                settlement=village
                if primary is None or primary.path.startswith(tree.district.path)
                else tree.other_village,
                species=species,
                count=count,
                site_kind="street",
                planted_by="волонтёры первички",
                latitude=LAT,
                longitude=LON,
            ),
        )

    return _make


@pytest.fixture
def contest(tree, projects) -> Contest:
    today = timezone.localdate()
    contest = ideas_services.contest_for(tree.district, today.year)
    contest.submit_until = today + dt.timedelta(days=30)
    contest.vote_until = today + dt.timedelta(days=60)
    contest.save()
    return contest


@pytest.fixture
def submit_idea(tree, contest, person_data):
    counter = {"n": 0}

    def _submit(title="Солнечные фонари на остановках", phone="+77011234567", **extra):
        counter["n"] += 1
        data = person_data(surname="Автор", phone=phone)
        data.iin = None
        idea, _created = ideas_services.idea_submit_public(
            settlement=tree.village,
            data=data,
            title=title,
            text="Поставить на остановках фонари на солнечных батареях для школьников.",
            idempotency_key=f"test-key-{counter['n']:04d}",
            **extra,
        )
        return idea

    return _submit


@pytest.fixture
def published_idea(submit_idea, district_admin):
    idea = submit_idea()
    return ideas_services.idea_moderate(actor=district_admin, idea=idea, to="published")
