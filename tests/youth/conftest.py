import datetime as dt

import pytest
from django.utils import timezone

from pervichka.core.iin import generate_iin
from pervichka.people.services import PersonData
from pervichka.youth import services
from pervichka.youth.models import SupportMeasure


@pytest.fixture
def youth_worker(tree):
    from pervichka.core.roles import Role
    from tests.factories import UserFactory, grant

    return grant(UserFactory(username="youth_worker"), Role.YOUTH_WORKER, tree.district)


def born(age: int) -> dt.date:
    today = timezone.localdate()
    return (
        dt.date(today.year - age, 3, 15)
        if (today.month, today.day) >= (3, 15)
        else dt.date(today.year - age - 1, 3, 15)
    )


@pytest.fixture
def add_young(tree, youth_worker):
    counter = {"n": 0}

    def _add(age=22, primary=None, actor=None, surname="Молодой", **facts):
        counter["n"] += 1
        iin = generate_iin(born(age), "M", serial=counter["n"])
        return services.young_person_register(
            actor=actor or youth_worker,
            primary=primary or tree.primary_a,
            facts=facts,
            data=PersonData(
                iin=iin,
                surname=surname,
                name=f"Тест{counter['n']}",
                settlement=tree.village,
                consent_method="paper",
            ),
        )

    return _add


@pytest.fixture
def measures():
    return {m.code: m for m in SupportMeasure.objects.filter(district__isnull=True)}


@pytest.fixture
def neet_case(add_young, youth_worker):
    """A NEET graduate of a college, 23, from a village, with an open case."""
    yp = add_young(
        age=23,
        surname="Нигде",
        education="vocational",
        graduated_year=timezone.localdate().year - 1,
    )
    return services.case_open(actor=youth_worker, yp=yp, needs=["employment"], plan="Найти работу")
