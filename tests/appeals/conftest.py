import datetime as dt

import pytest
from django.utils import timezone

from pervichka.appeals import services
from pervichka.appeals.models import ReceptionOffice
from pervichka.core.notify import LocmemSMSBackend
from pervichka.people.services import PersonData

# A Monday at 10:00 in Almaty, with no holiday within three weeks.
MONDAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))


@pytest.fixture(autouse=True)
def _sms_outbox():
    LocmemSMSBackend.outbox.clear()
    yield
    LocmemSMSBackend.outbox.clear()


@pytest.fixture
def office(tree):
    return ReceptionOffice.objects.create(
        unit=tree.district, name="Приёмная", address="Талшик", hours="9–18"
    )


def citizen(**overrides) -> PersonData:
    values = {
        "iin": "900101300126",
        "surname": "Сейткали",
        "name": "Арман",
        "phone": "+77012345678",
        "consent_method": "paper",
    }
    values.update(overrides)
    return PersonData(**values)


@pytest.fixture
def register(tree, operator, categories, office):
    """Register an appeal at the reception office, as the operator, on MONDAY by default."""

    def _register(
        text="Нет воды в селе третью неделю",
        category="utilities",
        actor=None,
        received_at=MONDAY,
        confirm_duplicate=True,
        **person,
    ):
        return services.appeal_register(
            actor=actor or operator,
            district=tree.district,
            data=citizen(**person),
            intake=services.Intake(
                channel="walk_in",
                category=categories[category],
                text=text,
                settlement=tree.village,
                reception_office=office,
                received_at=received_at,
            ),
            confirm_duplicate=confirm_duplicate,
        )

    return _register


@pytest.fixture
def appeal_a(tree, register, district_admin, chair_a):
    """An appeal assigned to primary A and its chair: what primary B must never see."""
    appeal = register(
        text="Просим отремонтировать дорогу в Талшике",
        category="roads",
        surname="Ахметова",
        name="Айгерим",
        iin="850715400004",
    )
    return services.appeal_assign(
        actor=district_admin, appeal=appeal, unit=tree.primary_a, user=chair_a
    )


@pytest.fixture
def now_on(monkeypatch):
    """Pin "today" for deadline checks (the clock is outside the system)."""

    def _pin(moment: dt.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return _pin
