"""On PostgreSQL a public submission writes its rows in two statements (data-modifying
CTEs): the new citizen with their consent and both history versions, then the appeal with
its history version, its first event and the citizen's messages. The rows must be those
the ORM path writes (as SQLite always does), column by column: here the ORM path writes a
twin of the same submission at the same instant and every column is compared but the ones
that must differ (ids and the appeal's unique number, code and key)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from pervichka.appeals import services
from pervichka.appeals.models import Appeal
from pervichka.core.history import save_as
from pervichka.people import services as people_services
from pervichka.people.models import Person
from pervichka.people.services import PersonData

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement writes are PostgreSQL's"
)

NOON = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
# What must differ between two appeals: the ids, and the unique number, code and key (and
# the search columns and messages made of the number and code).
APPEAL_OWN = {"id", "number", "tracking_code", "idempotency_key", "search_text", "search_key"}


def rows(table: str, where: str, params: list, order: str = "1") -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" WHERE {where} ORDER BY {order}', params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def without(found: list[dict], *names: str) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in names} for row in found]


def person_rows(person_id: int) -> dict[str, list[dict]]:
    return {
        "person": without(rows("people_person", "id = %s", [person_id]), "id"),
        "history": without(
            rows("people_historicalperson", "id = %s", [person_id]), "history_id", "id"
        ),
        "consent": without(
            rows("people_consent", "person_id = %s", [person_id]), "id", "person_id"
        ),
        "consent history": without(
            rows("people_historicalconsent", "person_id = %s", [person_id]),
            "history_id",
            "id",
            "person_id",
        ),
    }


def appeal_rows(appeal_id: int) -> dict[str, list[dict]]:
    return {
        "appeal": without(rows("appeals_appeal", "id = %s", [appeal_id]), *APPEAL_OWN),
        "history": without(
            rows("appeals_historicalappeal", "id = %s", [appeal_id]), "history_id", *APPEAL_OWN
        ),
        "event": without(
            rows("appeals_appealevent", "appeal_id = %s", [appeal_id]), "id", "appeal_id"
        ),
        "messages": without(
            rows("core_notification", "ref = %s", [f"appeal:{appeal_id}"], order="channel"),
            "id",
            "ref",
            "body",
            "subject",
        ),
    }


@pytest.mark.django_db
def test_the_one_statement_rows_are_the_orms(tree, categories):
    data = PersonData(
        surname="Жумабаева", name="Динара", phone="+7 705 123 45 67", email="d@example.kz"
    )
    with time_machine.travel(NOON, tick=False):
        submission = services.appeal_submit_public(
            data=services.PublicAppeal(
                settlement=tree.village,
                category="roads",
                text="На улице Абая нет освещения.",
                person=data,
                consent=True,
            ),
            files=[],
            client_ip="10.0.0.7",
            idempotency_key="rows-compared-1",
        )
        appeal = Appeal.objects.get(pk=submission.appeal.pk)

        # The ORM's twin of the citizen: the same row, saved with its history, and the same
        # consent recorded through the register.
        twin_person = Person.objects.get(pk=appeal.person_id)
        twin_person.pk = None
        twin_person._state.adding = True
        save_as(twin_person, None)
        people_services._consent_register(
            None,
            twin_person,
            PersonData(surname=data.surname, name=data.name, consent_method="electronic"),
            "appeals",
            new_person=True,
        )
        # The ORM's twin of the appeal, with its own number, code and key.
        twin = Appeal.objects.get(pk=appeal.pk)
        twin.pk = None
        twin._state.adding = True
        twin.number = f"{appeal.number}-T"
        twin.tracking_code = services.new_tracking_code()
        twin.idempotency_key = "rows-compared-2"
        services._save_registered_by_orm(
            twin, actor=None, by_citizen=True, details={"channel": "web", "repeat_of": None}
        )

    assert person_rows(appeal.person_id) == person_rows(twin_person.pk)
    ours, orms = appeal_rows(appeal.pk), appeal_rows(twin.pk)
    assert ours == orms
    assert len(ours["history"]) == 1
    assert [e["action"] for e in ours["event"]] == ["register"]
    assert [m["channel"] for m in ours["messages"]] == ["email", "sms"]
    # The messages name the appeal and say its number and code, as the ORM's do theirs.
    stored = rows("core_notification", "ref = %s", [f"appeal:{appeal.pk}"], order="channel")
    assert all(appeal.number in m["body"] for m in stored)
    assert all(appeal.tracking_code_display in m["body"] for m in stored)
    assert stored[0]["subject"].endswith(appeal.number)
