"""The standard cast (STYLE.md): a district administrator, the chair of primary A, the chair
of primary B (the outsider), a reception operator, an auditor, and the administrator of
another district. Each test states which of them it uses."""

import os
from dataclasses import dataclass

import pytest
import time_machine

from pervichka.core.roles import Role
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit, Settlement
from tests import clock
from tests.factories import MembershipFactory, SettlementFactory, UserFactory, grant, make_unit
from tests.fakebotapi import bot_api  # noqa: F401 (a fixture for every test that talks to Telegram)

# The data migrations that seed reference data every installation starts with.
REFERENCE_DATA_MIGRATIONS = [
    "pervichka.youth.migrations.0002_catalog",
    "pervichka.youth.migrations.0003_measure_descriptions_in_three_languages",
    "pervichka.projects.migrations.0002_catalog",
    "pervichka.rating.migrations.0002_default_methodology",
    "pervichka.rating.migrations.0005_default_v2_evidence_and_knees",
    "pervichka.rating.migrations.0006_default_v3_media_outreach_draft",
    "pervichka.rating.migrations.0007_default_v3_kit_picked_up",
    "pervichka.rating.migrations.0008_default_v3_bot_appeals",
]


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        return bool(marker.kwargs.get("transaction", marker.args and marker.args[0]))
    return bool({"live_server", "transactional_db"} & set(item.fixturenames))


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    """Every test runs at tests.clock.NOW (the clock keeps ticking from there).

    time-machine moves the whole process, so a live server in a thread agrees with the test.
    A server or browser in another process does not: browser tests (Chromium expires the
    session cookie by its own clock) and tests marked `real_clock` run on the real date.
    """
    if request.node.get_closest_marker("browser") or request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(clock.NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Tests that commit (live server, browser, concurrency) end with a flush, which also
    wipes what the data migrations seeded (support measures, projects). Seed it again (the
    seeds are idempotent) so such a test does not depend on what ran before it."""
    if not _is_transactional(request.node):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for name in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(name).forwards(apps, None)


def pytest_collection_modifyitems(config, items):
    """`.ci/run` runs the suite twice, on PostgreSQL and on SQLite, and the browser journeys
    in the first pass only: the pages and the browser are the same in both, and running them
    twice cost CI minutes of its 30. PERVICHKA_BROWSER_TESTS_ELSEWHERE names where they ran."""
    elsewhere = os.environ.get("PERVICHKA_BROWSER_TESTS_ELSEWHERE")
    if not elsewhere:
        return
    skip = pytest.mark.skip(reason=f"browser journeys skipped here: they run {elsewhere}")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


# Playwright's sync API runs an event loop in the test's thread; the ORM calls our
# fixtures make there are still synchronous, so Django's async guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is the production hasher (tested on its own); tests hash with MD5 for speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language(settings):
    # A request in Kazakh leaves Kazakh active in the worker's thread; the next test on that
    # worker must start in the installation's language like a fresh process.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits and cached figures must not carry over from one test to the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@dataclass
class Tree:
    party: OrgUnit
    region: OrgUnit
    district: OrgUnit
    primary_a: OrgUnit
    primary_b: OrgUnit
    other_district: OrgUnit
    primary_c: OrgUnit
    village: Settlement
    other_village: Settlement


@pytest.fixture
def tree(db) -> Tree:
    party = make_unit(None, OrgKind.PARTY, "Партия", code="AMN")
    region = make_unit(party, OrgKind.REGION, "Северо-Казахстанская область", kato="590000000")
    district = make_unit(region, OrgKind.DISTRICT, "Акжарский район", kato="593200000", code="AKZ")
    other = make_unit(region, OrgKind.DISTRICT, "Другой район", kato="593400000", code="OTH")
    village = SettlementFactory(
        district=district, name="Талшик", name_kk="Талшық", kato="593201100"
    )
    other_village = SettlementFactory(district=other, name="Дальнее", kato="593401100")
    primary_a = make_unit(district, OrgKind.PRIMARY, "ППО Талшик", settlement=village)
    primary_b = make_unit(district, OrgKind.PRIMARY, "ППО Айсары", settlement=village)
    primary_c = make_unit(other, OrgKind.PRIMARY, "ППО Дальнее", settlement=other_village)
    return Tree(
        party, region, district, primary_a, primary_b, other, primary_c, village, other_village
    )


@pytest.fixture
def district_admin(tree):
    return grant(UserFactory(username="district_admin", is_staff=True), Role.ADMIN, tree.district)


@pytest.fixture
def chair_a(tree):
    return grant(UserFactory(username="chair_a"), Role.CHAIR, tree.primary_a)


@pytest.fixture
def chair_b(tree):
    return grant(UserFactory(username="chair_b"), Role.CHAIR, tree.primary_b)


@pytest.fixture
def operator(tree):
    return grant(UserFactory(username="operator"), Role.OPERATOR, tree.district)


@pytest.fixture
def auditor(tree):
    return grant(UserFactory(username="auditor"), Role.AUDITOR, tree.region)


@pytest.fixture
def other_admin(tree):
    return grant(
        UserFactory(username="other_admin", is_staff=True), Role.ADMIN, tree.other_district
    )


@pytest.fixture
def member_a(tree):
    """A member of primary A: the data that must not leak to primary B."""
    return MembershipFactory(
        primary=tree.primary_a,
        person__surname="Ахметова",
        person__name="Айгерим",
        person__patronymic="Маратовна",
        person__settlement=tree.village,
    )


@pytest.fixture
def member_b(tree):
    return MembershipFactory(
        primary=tree.primary_b,
        person__surname="Иванов",
        person__name="Сергей",
        person__patronymic="Петрович",
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def categories(tree):
    """The district's appeal categories, by code."""
    from pervichka.appeals.services import categories_ensure

    return {c.code: c for c in categories_ensure(district=tree.district)}
