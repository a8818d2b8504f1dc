"""What one public submission costs the database (issue 19, point 2), and that the cached
rules and categories of a district never outlive a change.

The ceiling counts the statements from the idempotency key's read to the COMMIT, the
citizen's notification included (sending it after the commit is the worker's, not the
request's). On SQLite: the key, BEGIN, the person's lookup, the person and its history, the
consent and its history, the counter, the appeal, its history, its event, the
notification, COMMIT. On PostgreSQL the new person, its consent and their history versions
are one statement, and the appeal, its history, its event and the notification another.
"""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pervichka.appeals import services
from pervichka.appeals.models import Appeal, AppealRules, Category
from pervichka.people.models import Person
from pervichka.people.services import PersonData

# Statements up to the commit for a citizen the registry does not know yet (the bench's
# case) and for one it knows (nothing of theirs is written; the repeat check runs). On
# PostgreSQL the new person, its consent and their history versions are one statement, and
# so are the appeal, its history, its event and the notification: the key, BEGIN, the
# person's lookup, the person with consent (or the repeat check), the counter, the appeal
# with the rest, COMMIT.
SQLITE_CEILINGS = {"new": 13, "known": 10}
POSTGRESQL_CEILINGS = {"new": 7, "known": 7}


def ceilings() -> dict[str, int]:
    return POSTGRESQL_CEILINGS if connection.vendor == "postgresql" else SQLITE_CEILINGS


def submit(tree, *, surname="Жумабаева", phone="+7 705 123 45 67", category="roads", key=None):
    return services.appeal_submit_public(
        data=services.PublicAppeal(
            settlement=tree.village,
            category=category,
            text="На улице Абая нет освещения.",
            person=PersonData(surname=surname, name="Динара", phone=phone),
            consent=True,
        ),
        files=[],
        client_ip="10.0.0.7",
        idempotency_key=key or uuid.uuid4().hex,
    )


def statements_to_commit(queries) -> list[str]:
    sqls = [q["sql"] for q in queries.captured_queries]
    commit = next(i for i, sql in enumerate(sqls) if sql.strip().upper() == "COMMIT")
    return sqls[: commit + 1]


@pytest.mark.django_db(transaction=True)
def test_a_submission_stays_under_its_statement_ceiling(tree, categories):
    submit(tree, surname="Разогрев", phone="+7 705 000 11 22")  # the district's cache filled
    with CaptureQueriesContext(connection) as new:
        first = submit(tree)
    with CaptureQueriesContext(connection) as known:
        again = submit(tree)
    new_sqls, known_sqls = statements_to_commit(new), statements_to_commit(known)
    assert len(new_sqls) <= ceilings()["new"], "\n".join(new_sqls)
    assert len(known_sqls) <= ceilings()["known"], "\n".join(known_sqls)
    # No savepoints, no reads of the rules or categories, no existence checks of references.
    for sql in new_sqls + known_sqls:
        assert "SAVEPOINT" not in sql
        assert "appeals_appealrules" not in sql
        assert "appeals_category" not in sql
        assert not sql.startswith('SELECT 1 AS "a" FROM "orgs_')  # full_clean's FK checks
    # The same person, unchanged, is not written again; the second appeal is a repeat.
    assert not any(sql.startswith('INSERT INTO "people_') for sql in known_sqls)
    assert not any(sql.startswith('UPDATE "people_') for sql in known_sqls)
    assert first.appeal.person_id == again.appeal.person_id
    assert again.appeal.repeat_of_id == first.appeal.pk
    assert first.appeal.repeat_of_id is None
    # Everything the rules of the appeals issue ask for is still written.
    appeal = Appeal.objects.get(pk=first.appeal.pk)
    assert appeal.history.count() == 1
    assert list(appeal.events.values_list("action", flat=True)) == ["register"]
    person = Person.objects.get(pk=appeal.person_id)
    assert person.history.count() == 1
    assert person.consents.filter(purpose="appeals", withdrawn_at__isnull=True).count() == 1
    assert person.consent_method == "electronic"


def test_a_changed_category_is_seen_by_the_next_submission(tree, categories):
    submit(tree, category="roads")
    roads = categories["roads"]
    roads.code = "roads_old"  # an administrator changes the code
    roads.save()
    assert submit(tree, category="roads").appeal.category.code == "other"
    new = Category.objects.create(district=tree.district, code="roads", name="Дороги (новые)")
    assert services.category_for_public(district=tree.district, code="roads") == new
    new.delete()  # not used yet, so it may go
    assert services.category_for_public(district=tree.district, code="roads").code == "other"
    again = Category.objects.create(district=tree.district, code="roads", name="Дороги")
    assert submit(tree, category="roads").appeal.category_id == again.pk


def test_changed_rules_are_seen_by_the_next_submission(tree, categories):
    before = submit(tree).appeal
    rules = AppealRules(district=tree.district, answer_working_days=5)
    rules.save()
    after = submit(tree, surname="Другая", phone="+7 705 123 45 00").appeal
    assert before.due_date != after.due_date
    assert after.due_date <= before.due_date - dt.timedelta(days=7)
    rules.delete()
    third = submit(tree, surname="Третья", phone="+7 705 123 45 01").appeal
    assert third.due_date == before.due_date


def test_another_district_is_not_served_from_the_first_ones_cache(tree, categories):
    """The cache is per district: a village of another district gets its own categories."""
    first = services.category_for_public(district=tree.district, code="roads")
    second = services.category_for_public(district=tree.other_district, code="roads")
    assert first.district_id == tree.district.pk
    assert second.district_id == tree.other_district.pk
    assert services.category_for_public(district=tree.district, code="roads") == first


def test_the_public_apis_village_is_the_selectors(client, tree, categories):
    """The API reads the village and its district in one statement of its own: the same
    villages as `selectors.settlements_public()` (active, of an active district), the
    others answered 404 with nothing stored."""
    from pervichka.appeals import selectors
    from tests.factories import SettlementFactory

    closed = SettlementFactory(district=tree.district, is_active=False)
    elsewhere = SettlementFactory(district=tree.other_district)
    tree.other_district.is_active = False
    tree.other_district.save()
    offered = set(selectors.settlements_public().values_list("pk", flat=True))
    for village in (tree.village, closed, elsewhere):
        got = services.settlement_public_get(settlement_id=village.pk)
        assert (got is not None) == (village.pk in offered)
        if got is not None:
            assert (got.pk, got.name, got.district.pk, got.district.path) == (
                village.pk,
                village.name,
                tree.district.pk,
                tree.district.path,
            )
    assert services.settlement_public_get(settlement_id=999_999) is None
    for village in (closed, elsewhere):
        response = client.post(
            "/api/v1/public/appeals",
            {
                "settlement_id": village.pk,
                "category": "roads",
                "text": "Нет света",
                "surname": "Ким",
                "name": "Олег",
                "phone": "+77011112233",
                "consent": True,
            },
            content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 404
    assert not Appeal.objects.exists()


def test_the_public_api_reads_the_village_and_the_key_in_one_statement(client, tree, categories):
    """A retry under the same key, over the API: one statement reads the village and the
    first appeal, which is answered again (200) with nothing more written."""
    payload = {
        "settlement_id": tree.village.pk,
        "category": "roads",
        "text": "Нет света на улице Абая",
        "surname": "Ким",
        "name": "Олег",
        "phone": "+77011112233",
        "consent": True,
    }
    key = uuid.uuid4().hex
    first = client.post(
        "/api/v1/public/appeals",
        payload,
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    assert first.status_code == 201
    with CaptureQueriesContext(connection) as queries:
        again = client.post(
            "/api/v1/public/appeals",
            payload,
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )
    assert again.status_code == 200
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert [q["sql"] for q in queries.captured_queries if "appeals_appeal" in q["sql"]] == [
        q["sql"] for q in queries.captured_queries if "orgs_settlement" in q["sql"]
    ]
    assert Appeal.objects.count() == 1
    settlement, existing = services.public_submission_read(
        settlement_id=tree.village.pk, idempotency_key=f"  {key} "
    )
    assert (settlement.pk, existing.tracking_code) == (
        tree.village.pk,
        first.json()["tracking_code"],
    )
    assert services.public_submission_read(
        settlement_id=tree.village.pk, idempotency_key=uuid.uuid4().hex
    ) == (settlement, None)
