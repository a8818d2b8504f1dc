import datetime as dt

import pytest

from pervichka.deputies import services as deputies
from pervichka.promises import services
from tests import clock
from tests.factories import PersonFactory

TODAY = clock.TODAY  # the tests' fixed date: module code runs before any fixture


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def deputy(tree, district_admin):
    person = PersonFactory(unit=tree.district, surname="Депутатов")
    return deputies.deputy_register(
        actor=district_admin,
        person=person,
        unit=tree.district,
        council="Акжарский районный маслихат",
        term="VIII созыв",
        term_start=dt.date(2023, 3, 29),
        constituency="Округ №1",
    )


@pytest.fixture
def make_promise(tree, district_admin, deputy):
    counter = {"n": 0}

    def _make(due=None, number=None, **extra):
        counter["n"] += 1
        return services.promise_create(
            actor=district_admin,
            district=tree.district,
            data=services.PromiseData(
                number=number or counter["n"],
                text=extra.pop("text", "Отремонтировать дорогу Талшик — Айсары"),
                theme=extra.pop("theme", "roads"),
                due_date=due or TODAY + dt.timedelta(days=90),
                responsible_deputy=deputy,
                **extra,
            ),
        )

    return _make
