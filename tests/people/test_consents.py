"""The consent register (issue 13, point 8): every app that asks for consent records it in
one register through people.services; a withdrawal is recorded, scoped, and stops the
processing it covers, while registered appeals stay."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pervichka.appeals import services as appeals
from pervichka.appeals.models import Appeal
from pervichka.core.iin import generate_iin
from pervichka.core.models import Notification
from pervichka.ideas import services as ideas
from pervichka.people import selectors, services
from pervichka.people.enums import ConsentChannel, ConsentPurpose
from pervichka.people.importing import member_import_check, member_import_confirm
from pervichka.people.models import Consent, Person
from pervichka.people.services import PersonData
from pervichka.projects import services as projects
from pervichka.projects.models import Project
from pervichka.youth import services as youth
from tests.people.test_import import row, xlsx


def _iin(serial: int, year: int = 1990) -> str:
    return generate_iin(dt.date(year, 3, 3), "M", serial=serial)


def _register(person) -> list[tuple[str, str, bool]]:
    return sorted(
        (c.purpose, c.channel, c.withdrawn_at is None)
        for c in Consent.objects.filter(person=person)
    )


@pytest.fixture
def event(tree, chair_a):
    return projects.event_create(
        actor=chair_a,
        project=Project.objects.get(code="socium"),
        primary=tree.primary_a,
        data=projects.EventData(title="Субботник", date=dt.date(2026, 11, 20)),
    )


@pytest.fixture
def projects_catalog_contest(tree):
    today = timezone.localdate()
    contest = ideas.contest_for(tree.district, today.year)
    contest.submit_until = today + dt.timedelta(days=30)
    contest.vote_until = today + dt.timedelta(days=60)
    contest.save()
    return contest


# --- each caller records its purpose --------------------------------------------------


def test_member_register_records_a_membership_consent(tree, chair_a):
    membership = services.member_register(
        actor=chair_a,
        primary=tree.primary_a,
        data=PersonData(surname="Садыков", name="Ерлан", iin=_iin(701), consent_method="paper"),
        joined=dt.date(2026, 1, 10),
    )
    assert _register(membership.person) == [("membership", "paper", True)]
    membership.person.refresh_from_db()
    assert membership.person.consent_method == "paper"


def test_a_staff_appeal_records_an_appeals_consent(tree, operator, categories):
    appeal = appeals.appeal_register(
        actor=operator,
        district=tree.district,
        data=PersonData(surname="Жанова", name="Алия", iin=_iin(702), consent_method="verbal"),
        intake=appeals.Intake(channel="phone", category=categories["roads"], text="Яма у школы"),
    )
    assert _register(appeal.person) == [("appeals", "verbal", True)]


def test_a_public_appeal_records_a_web_consent_for_a_new_person(tree, categories):
    result = appeals.appeal_submit_public(
        data=appeals.PublicAppeal(
            settlement=tree.village,
            category="roads",
            text="Не горят фонари на улице Абая",
            person=PersonData(surname="Омарова", name="Дана", phone="+77015550001"),
            consent=True,
        ),
        files=[],
        client_ip="10.0.0.7",
        idempotency_key="consent-public-0001",
    )
    assert _register(result.appeal.person) == [("appeals", "web", True)]


def test_a_public_form_records_no_consent_on_a_known_record(tree, member_a, categories):
    """An anonymous form cannot prove it is the known person."""
    appeals.appeal_submit_public(
        data=appeals.PublicAppeal(
            settlement=tree.village,
            category="roads",
            text="Не горят фонари на улице Абая",
            person=PersonData(iin=member_a.person.iin, surname="Подмена", name="Чужой"),
            consent=True,
        ),
        files=[],
        client_ip="10.0.0.8",
        idempotency_key="consent-public-0002",
    )
    assert _register(member_a.person) == []


def test_youth_registration_records_a_youth_consent(tree, chair_a):
    young = youth.young_person_register(
        actor=chair_a,
        primary=tree.primary_a,
        facts={},
        data=PersonData(
            surname="Молодой", name="Арман", birth_date=dt.date(2004, 1, 1), consent_method="paper"
        ),
    )
    assert _register(young.person) == [("youth", "paper", True)]


def test_an_event_participant_records_an_events_consent(event, chair_a):
    participant = projects.participant_add(
        actor=chair_a,
        event=event,
        role="volunteer",
        data=PersonData(surname="Волонтёр", name="Асель", iin=_iin(703), consent_method="paper"),
    )
    assert _register(participant.person) == [("events", "paper", True)]


def test_an_idea_records_an_ideas_consent(tree, projects_catalog_contest):
    idea, _created = ideas.idea_submit_public(
        settlement=tree.village,
        data=PersonData(
            surname="Автор", name="Идея", phone="+77015550002", consent_method="electronic"
        ),
        title="Фонари на остановках",
        text="Поставить фонари на солнечных батареях на всех остановках села.",
        idempotency_key="consent-idea-0001",
    )
    assert _register(idea.author) == [("ideas", "web", True)]


def test_the_member_import_records_imported_membership_consents(tree, chair_a):
    job = member_import_check(actor=chair_a, upload=xlsx([row(), row()]))
    member_import_confirm(actor=chair_a, job=job)
    consents = Consent.objects.filter(purpose="membership", channel="imported")
    assert consents.count() == 2
    assert {c.recorded_by_id for c in consents} == {chair_a.pk}


def test_a_second_form_records_nothing_twice(tree, chair_a, event):
    data = PersonData(surname="Дважды", name="Один", iin=_iin(704), consent_method="paper")
    first = projects.participant_add(actor=chair_a, event=event, role="volunteer", data=data)
    projects.participant_add(actor=chair_a, event=event, role="organizer", data=data)
    assert Consent.objects.filter(person=first.person).count() == 1


# --- withdrawal -----------------------------------------------------------------------


def _consent(person, purpose, actor):
    return services.consent_record(
        actor=actor, person=person, purpose=purpose, channel=ConsentChannel.PAPER
    )


def test_withdrawal_is_recorded_and_empties_the_summary(member_a, chair_a):
    consent = _consent(member_a.person, ConsentPurpose.OUTREACH, chair_a)
    Person.objects.filter(pk=member_a.person_id).update(consent_at=None, consent_method="")
    member_a.person.refresh_from_db()
    services.consent_withdraw(actor=chair_a, consent=consent, reason="заявление от 7.12")
    consent.refresh_from_db()
    assert consent.withdrawn_by == chair_a
    assert consent.withdrawal_reason == "заявление от 7.12"
    assert selectors.consent_withdrawn(member_a.person_id, ConsentPurpose.OUTREACH)
    assert not selectors.consent_active(member_a.person_id, ConsentPurpose.OUTREACH)
    member_a.person.refresh_from_db()
    assert member_a.person.consent_at is None  # a later form asks again
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=chair_a, consent=consent, reason="ещё раз")


def test_withdrawal_needs_a_reason(member_a, chair_a):
    consent = _consent(member_a.person, ConsentPurpose.PHOTOS, chair_a)
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=chair_a, consent=consent, reason="  ")


def test_withdrawn_events_consent_stops_new_participation(member_a, chair_a, event):
    consent = _consent(member_a.person, ConsentPurpose.EVENTS, chair_a)
    services.consent_withdraw(actor=chair_a, consent=consent, reason="отозвал письменно")
    with pytest.raises(ValidationError) as refused:
        projects.participant_add(
            actor=chair_a, event=event, role="volunteer", person=member_a.person
        )
    assert "person" in refused.value.message_dict
    assert not event.participants.exists()
    # A new consent, given again on the form, lets them take part again.
    services.consent_record(
        actor=chair_a, person=member_a.person, purpose="events", channel="paper"
    )
    projects.participant_add(actor=chair_a, event=event, role="volunteer", person=member_a.person)
    assert event.participants.count() == 1


def test_withdrawn_youth_consent_stops_the_follow_ups(tree, chair_a, settings):
    young = youth.young_person_register(
        actor=chair_a,
        primary=tree.primary_a,
        facts={},
        data=PersonData(
            surname="Молодой", name="Берик", birth_date=dt.date(2003, 2, 2), consent_method="paper"
        ),
    )
    case = youth.case_open(actor=chair_a, yp=young, needs=["employment"])
    case.worker = chair_a
    case.next_followup = timezone.localdate() - dt.timedelta(days=1)
    case.save()
    chair_a.email = "chair@example.org"
    chair_a.save()
    consent = Consent.objects.get(person=young.person, purpose="youth")
    services.consent_withdraw(actor=chair_a, consent=consent, reason="отказ от сопровождения")
    assert youth.followups_remind() == 0
    assert not Notification.objects.filter(kind="youth_followup").exists()


def test_withdrawn_appeals_consent_keeps_registered_appeals(tree, operator, categories):
    appeal = appeals.appeal_register(
        actor=operator,
        district=tree.district,
        data=PersonData(surname="Жанова", name="Алия", iin=_iin(705), consent_method="paper"),
        intake=appeals.Intake(channel="phone", category=categories["roads"], text="Яма у школы"),
    )
    consent = Consent.objects.get(person=appeal.person, purpose="appeals")
    services.consent_withdraw(actor=operator, consent=consent, reason="устно в приёмной")
    appeal.refresh_from_db()
    assert Appeal.objects.filter(pk=appeal.pk, number=appeal.number).exists()
    assert appeal.text == "Яма у школы"


# --- the card, the views and the API, scoped ------------------------------------------


def test_the_member_card_shows_consents_with_a_withdraw_action(login, member_a, chair_a):
    consent = _consent(member_a.person, ConsentPurpose.OUTREACH, chair_a)
    response = login(chair_a).get(reverse("people:detail", args=[member_a.pk]))
    body = response.content.decode()
    assert f'id="consent-{consent.pk}"' in body
    assert reverse("people:consent_withdraw", args=[consent.pk]) in body
    response = login(chair_a).post(
        reverse("people:consent_withdraw", args=[consent.pk]), {"reason": "звонок 7.12"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawal_reason == "звонок 7.12"


def test_a_consent_is_recorded_from_the_card(login, member_a, chair_a):
    response = login(chair_a).post(
        reverse("people:consent_add", args=[member_a.person_id]),
        {"purpose": "photos", "channel": "sms", "document_ref": "код 4821"},
    )
    assert response.status_code == 302
    assert _register(member_a.person) == [("photos", "sms", True)]


@pytest.mark.parametrize("outsider", ["chair_b", "other_admin", "auditor"])
def test_another_primary_or_district_cannot_withdraw(request, login, member_a, chair_a, outsider):
    consent = _consent(member_a.person, ConsentPurpose.OUTREACH, chair_a)
    user = request.getfixturevalue(outsider)
    response = login(user).post(
        reverse("people:consent_withdraw", args=[consent.pk]), {"reason": "взлом"}
    )
    assert response.status_code == 404
    response = login(user).post(
        reverse("people:consent_add", args=[member_a.person_id]),
        {"purpose": "photos", "channel": "paper"},
    )
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert Consent.objects.filter(person=member_a.person).count() == 1


def test_the_api_reads_a_persons_consents(login, member_a, chair_a, chair_b, other_admin):
    consent = _consent(member_a.person, ConsentPurpose.OUTREACH, chair_a)
    services.consent_withdraw(actor=chair_a, consent=consent, reason="письмо")
    url = f"/api/v1/persons/{member_a.person_id}/consents"
    data = login(chair_a).get(url).json()
    assert [(c["purpose"], c["channel"], c["withdrawal_reason"]) for c in data] == [
        ("outreach", "paper", "письмо")
    ]
    assert login(chair_b).get(url).status_code == 404
    assert login(other_admin).get(url).status_code == 404


def test_hostile_withdrawal_reason_is_stored_as_text(login, member_a, chair_a):
    consent = _consent(member_a.person, ConsentPurpose.OUTREACH, chair_a)
    login(chair_a).post(
        reverse("people:consent_withdraw", args=[consent.pk]),
        {"reason": '<script>alert(1)</script>=HYPERLINK("x")'},
    )
    body = login(chair_a).get(reverse("people:detail", args=[member_a.pk])).content
    assert b"<script>alert(1)</script>" not in body


def test_the_data_migration_turns_earlier_consents_into_rows(member_a, member_b):
    """Consents recorded before the register (Person.consent_at) become rows for the
    purposes the person's records show."""
    migration = importlib.import_module("pervichka.people.migrations.0006_consents_from_persons")
    Person.objects.filter(pk=member_b.person_id).update(consent_at=None, consent_method="")
    editor = SimpleNamespace(connection=connection)
    migration.forwards(django_apps, editor)
    assert _register(member_a.person) == [("membership", "paper", True)]
    assert _register(member_b.person) == []
