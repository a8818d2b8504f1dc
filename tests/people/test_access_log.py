"""The access log (issue 13, point 10): views of unmasked IINs and phones and exports of
personal data are recorded; auditors read the log of their subtree, filtered by user and
person; nothing changes or deletes an entry (the model, and a trigger on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from pervichka.core.roles import Role
from pervichka.people.enums import AccessAction
from pervichka.people.models import AccessLog
from tests.factories import MembershipFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_a(tree):
    return MembershipFactory(
        primary=tree.primary_a, person__surname="Журналова", person__phone="+77011234567"
    )


@pytest.fixture
def auditor_a(tree):
    return grant(UserFactory(username="auditor_a"), Role.AUDITOR, tree.primary_a)


@pytest.fixture
def auditor_b(tree):
    return grant(UserFactory(username="auditor_b"), Role.AUDITOR, tree.primary_b)


def entries(**lookup):
    return list(AccessLog.objects.filter(**lookup).values_list("actor__username", "action"))


def test_the_member_card_with_an_unmasked_iin_is_logged(login, chair_a, auditor_a, member_a):
    assert login(chair_a).get(f"/members/{member_a.pk}/").status_code == 200
    assert entries(person=member_a.person) == [("chair_a", AccessAction.VIEW)]
    # The auditor reads the card with the IIN masked: nothing unmasked was seen.
    assert login(auditor_a).get(f"/members/{member_a.pk}/").status_code == 200
    assert entries(person=member_a.person) == [("chair_a", AccessAction.VIEW)]


def test_an_export_is_logged_with_its_rows(login, tree, chair_a, member_a):
    MembershipFactory(primary=tree.primary_a)
    response = login(chair_a).get("/members/export.xlsx")
    assert response.status_code == 200
    [entry] = AccessLog.objects.filter(action=AccessAction.EXPORT)
    assert (entry.actor, entry.rows, entry.unit) == (chair_a, 2, tree.primary_a)
    assert entry.what == "members export"


def test_the_api_logs_each_person_it_shows_unmasked(client, chair_a, member_a):
    client.force_login(chair_a)
    assert client.get(f"/api/v1/persons/{member_a.person_id}").status_code == 200
    assert entries(person=member_a.person) == [("chair_a", AccessAction.VIEW)]


def test_the_auditor_reads_the_log_of_their_subtree_filtered_by_user_and_person(
    login, tree, chair_a, chair_b, auditor_a, auditor_b, member_a
):
    member_b = MembershipFactory(primary=tree.primary_b, person__surname="Чужаков")
    login(chair_a).get(f"/members/{member_a.pk}/")
    login(chair_b).get(f"/members/{member_b.pk}/")
    page = login(auditor_a).get("/members/access-log/").content.decode()
    assert "Журналова" in page
    assert "Чужаков" not in page  # primary B's entry is outside the auditor's subtree
    by_person = (
        login(auditor_a)
        .get("/members/access-log/", {"person": member_b.person_id})
        .content.decode()
    )
    assert "Чужаков" not in by_person
    by_user = login(auditor_b).get("/members/access-log/", {"actor": chair_a.pk}).content.decode()
    assert "Журналова" not in by_user
    assert "Чужаков" not in by_user
    mine = login(auditor_b).get("/members/access-log/", {"person": member_b.person_id})
    assert "Чужаков" in mine.content.decode()


def test_the_log_page_is_for_auditors_and_administrators_only(
    login, chair_a, district_admin, member_a
):
    login(chair_a).get(f"/members/{member_a.pk}/")
    assert login(chair_a).get("/members/access-log/").status_code == 404
    page = login(district_admin).get("/members/access-log/", {"actor": chair_a.pk})
    assert page.status_code == 200
    assert "Журналова" in page.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_log_page_is_translated(login, auditor_a, language):
    page = login(auditor_a).get("/members/access-log/", HTTP_ACCEPT_LANGUAGE=language)
    title = {"ru": "Журнал доступа", "kk": "Қолжетімділік журналы", "en": "Access log"}
    assert title[language] in page.content.decode()


def test_an_entry_cannot_be_changed_or_deleted(chair_a, member_a, client):
    client.force_login(chair_a)
    client.get(f"/members/{member_a.pk}/")
    entry = AccessLog.objects.get()
    entry.what = "nothing to see"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_updates_and_deletes_of_the_log(chair_a, member_a, client):
    client.force_login(chair_a)
    client.get(f"/members/{member_a.pk}/")
    for attempt in (
        lambda: AccessLog.objects.update(what="rewritten"),
        lambda: AccessLog.objects.all()._raw_delete(AccessLog.objects.db),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert AccessLog.objects.get().what == "member card"
