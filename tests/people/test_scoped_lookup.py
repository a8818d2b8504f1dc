"""Issue 13, point 1: a staff form that brings in an IIN kept outside the actor's scope
answers without echoing, linking or changing that record, and sends its keeper a request;
lookups by IIN are rate-limited and logged. Each caller, across primaries and districts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from pervichka.appeals import services as appeals
from pervichka.core.iin import generate_iin
from pervichka.core.roles import Role
from pervichka.people import services
from pervichka.people.enums import AccessAction, TransferStatus
from pervichka.people.importing import member_import_check
from pervichka.people.models import AccessLog, Membership, Person, PersonTransferRequest
from pervichka.people.services import PersonData
from pervichka.projects import services as projects
from pervichka.projects.models import EventParticipant, Project
from pervichka.youth import services as youth
from pervichka.youth.models import YoungPerson
from tests.factories import MembershipFactory, PersonFactory, UserFactory, grant
from tests.people.test_import import row, xlsx

KEPT_ELSEWHERE = (
    "This IIN cannot be used here yet: the person's record is kept by another organization. "
    "A request to use it has been sent there; once it is approved, try again."
)
CONSENT_REQUIRED = "Consent to the processing of personal data is required."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def event(tree, chair_a, db):
    event = projects.event_create(
        actor=chair_a,
        project=Project.objects.get(code="socium"),
        primary=tree.primary_a,
        data=projects.EventData(title="Субботник", date=timezone.localdate()),
    )
    return event


@pytest.fixture
def member_c(tree):
    """A member of a primary in another district."""
    return MembershipFactory(primary=tree.primary_c, person__surname="Дальняя")


def snapshot(person: Person) -> tuple:
    person.refresh_from_db()
    return (
        person.surname,
        person.name,
        person.phone,
        person.address,
        person.unit_id,
        person.consent_at,
        person.consent_method,
        person.history.count(),
    )


def as_data(person: Person, **overrides) -> PersonData:
    values = {
        "iin": person.iin,
        "surname": "Подмена",
        "name": "Чужой",
        "phone": "+77770001122",
        "consent_method": "paper",
    }
    values.update(overrides)
    return PersonData(**values)


def messages_of(exc) -> str:
    return " ".join(exc.value.messages)


def test_event_participant_from_another_primary_is_refused_and_requested(
    tree, chair_a, chair_b, member_b, event
):
    person = member_b.person
    before = snapshot(person)
    with pytest.raises(ValidationError) as exc:
        projects.participant_add(
            actor=chair_a, event=event, role="volunteer", hours=0, data=as_data(person)
        )
    assert exc.value.message_dict == {"iin": [KEPT_ELSEWHERE]}
    assert person.surname not in messages_of(exc)
    assert person.name not in messages_of(exc)
    assert snapshot(person) == before
    assert not EventParticipant.objects.exists()
    request = PersonTransferRequest.objects.get()
    assert (request.person, request.from_unit, request.to_unit, request.requested_by) == (
        person,
        tree.primary_b,
        tree.primary_a,
        chair_a,
    )
    assert request.status == TransferStatus.PENDING
    assert request.purpose == "event participant"


def test_without_consent_a_kept_iin_answers_like_an_unknown_one(tree, chair_a, member_b, event):
    """Leaving out the consent must not turn the form into a silent lookup."""
    answers = []
    for iin in (member_b.person.iin, generate_iin(dt.date(1990, 1, 1), "M", serial=777)):
        with pytest.raises(ValidationError) as exc:
            projects.participant_add(
                actor=chair_a,
                event=event,
                role="volunteer",
                hours=0,
                data=PersonData(iin=iin, surname="Тест", name="Тест"),
            )
        answers.append(exc.value.message_dict)
    assert answers[0] == answers[1] == {"consent_method": [CONSENT_REQUIRED]}
    assert not PersonTransferRequest.objects.exists()
    member_b.person.refresh_from_db()
    assert member_b.person.consent_method == "paper"


def test_a_person_of_another_district_is_refused_for_the_youth_register(tree, chair_a):
    today = timezone.localdate()
    young = PersonFactory(
        unit=tree.primary_c, iin=generate_iin(dt.date(today.year - 20, 3, 3), "F", serial=321)
    )
    before = snapshot(young)
    with pytest.raises(ValidationError) as exc:
        youth.young_person_register(
            actor=chair_a, primary=tree.primary_a, data=as_data(young), facts={}
        )
    assert exc.value.message_dict == {"iin": [KEPT_ELSEWHERE]}
    assert snapshot(young) == before
    assert not YoungPerson.objects.exists()
    request = PersonTransferRequest.objects.get()
    assert (request.from_unit, request.to_unit) == (tree.primary_c, tree.primary_a)


def test_an_operator_of_another_district_cannot_register_an_appeal_on_a_kept_iin(
    tree, member_a, login
):
    other_operator = grant(
        UserFactory(username="other_operator"), Role.OPERATOR, tree.other_district
    )
    category = appeals.categories_ensure(district=tree.other_district)[0]
    before = snapshot(member_a.person)
    response = login(other_operator).post(
        reverse("appeals:new"),
        {
            "district": tree.other_district.pk,
            "channel": "phone",
            "received_at": "2026-11-02T10:00",
            "iin": member_a.person.iin,
            "surname": "Подмена",
            "name": "Чужой",
            "phone": "+7 777 000 11 22",
            "settlement": tree.other_village.pk,
            "category": category.pk,
            "text": "Нет света на улице",
            "consent_method": "paper",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ахметова" not in page
    assert "Айгерим" not in page
    assert response.context["form"].errors["iin"] == [KEPT_ELSEWHERE]
    assert snapshot(member_a.person) == before
    assert not member_a.person.appeals.exists()
    assert PersonTransferRequest.objects.get().to_unit == tree.other_district


def test_the_intake_lookup_answers_a_kept_iin_like_nobody(tree, member_a, login):
    other_operator = grant(
        UserFactory(username="other_operator"), Role.OPERATOR, tree.other_district
    )
    client = login(other_operator)
    url = reverse("appeals:person_lookup")
    kept = client.get(url, {"iin": member_a.person.iin}).content
    unknown = client.get(url, {"iin": generate_iin(dt.date(1990, 1, 1), "M", serial=778)}).content
    assert kept.replace(member_a.person.iin.encode(), b"") == unknown.replace(
        generate_iin(dt.date(1990, 1, 1), "M", serial=778).encode(), b""
    )
    assert b"\xd0\x90\xd1\x85\xd0\xbc" not in kept  # "Ахм"


def test_member_register_does_not_reveal_membership_elsewhere(tree, chair_a, member_b, member_c):
    """Primary B's member and another district's member answer alike, never "already a
    member"; the keeper gets the request."""
    for member in (member_b, member_c):
        with pytest.raises(ValidationError) as exc:
            services.member_register(
                actor=chair_a,
                primary=tree.primary_a,
                data=as_data(member.person),
                joined=dt.date(2025, 3, 1),
            )
        assert exc.value.message_dict == {"iin": [KEPT_ELSEWHERE]}
    assert Membership.objects.filter(primary=tree.primary_a).count() == 0
    assert sorted(PersonTransferRequest.objects.values_list("from_unit", flat=True)) == sorted(
        [tree.primary_b.pk, tree.primary_c.pk]
    )


def test_member_register_in_scope_still_says_already_a_member(tree, district_admin, member_b):
    with pytest.raises(ValidationError) as exc:
        services.member_register(
            actor=district_admin,
            primary=tree.primary_a,
            data=as_data(member_b.person),
            joined=dt.date(2025, 3, 1),
        )
    assert exc.value.message_dict == {
        "iin": ["A person with this IIN is already a member of a primary organization."]
    }


def test_member_import_does_not_reveal_membership_elsewhere(tree, chair_a, member_b, member_c):
    job = member_import_check(
        actor=chair_a,
        upload=xlsx([row(iin=member_b.person.iin), row(iin=member_c.person.iin), row()]),
    )
    assert job.valid_rows == 1
    messages = [e["errors"]["iin"] for e in job.errors]
    neutral = (
        "This IIN cannot be used here: the person's record is kept by another organization. "
        "Add the person with the member form to ask for it."
    )
    # The message names the column and the value the chair typed (to find the cell), and
    # says the same for a member of another primary as for one of another district.
    assert messages == [
        [f"ИИН: «{member_b.person.iin}» — {neutral}"],
        [f"ИИН: «{member_c.person.iin}» — {neutral}"],
    ]


def test_member_import_counts_kept_iins_against_the_hourly_limit(
    tree, chair_a, member_b, member_c, settings
):
    settings.PERVICHKA_IIN_LOOKUPS_PER_HOUR = 1
    with pytest.raises(ValidationError) as exc:
        member_import_check(
            actor=chair_a, upload=xlsx([row(iin=member_b.person.iin), row(iin=member_c.person.iin)])
        )
    assert exc.value.message_dict == {
        "file": ["Too many lookups by IIN in an hour; try again later."]
    }


def test_the_keeper_approves_and_the_person_can_then_be_linked(
    tree, chair_a, chair_b, member_b, event, login
):
    with pytest.raises(ValidationError):
        projects.participant_add(
            actor=chair_a, event=event, role="volunteer", hours=0, data=as_data(member_b.person)
        )
    request = PersonTransferRequest.objects.get()
    # The requester sees the status, nothing of the person; the keeper sees who it is.
    mine = (
        login(chair_a)
        .get(reverse("people:transfers"), headers={"Accept-Language": "en"})
        .content.decode()
    )
    assert "Иванов" not in mine
    assert "waiting for the keeper" in mine
    page = login(chair_b).get(reverse("people:transfers")).content.decode()
    assert "Иванов Сергей" in page
    response = login(chair_b).post(reverse("people:transfer_decide", args=[request.pk, "approve"]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (TransferStatus.APPROVED, chair_b)
    before = snapshot(member_b.person)
    participant = projects.participant_add(
        actor=chair_a, event=event, role="volunteer", hours=0, data=as_data(member_b.person)
    )
    assert participant.person == member_b.person
    # Linked, not rewritten: the record stays with its keeper as it was.
    assert snapshot(member_b.person)[:5] == before[:5]


def test_only_the_keeper_or_an_administrator_above_decides(
    tree, chair_a, member_b, event, login, other_admin
):
    with pytest.raises(ValidationError):
        projects.participant_add(
            actor=chair_a, event=event, role="volunteer", hours=0, data=as_data(member_b.person)
        )
    request = PersonTransferRequest.objects.get()
    for outsider in (chair_a, other_admin):
        url = reverse("people:transfer_decide", args=[request.pk, "approve"])
        assert login(outsider).post(url).status_code == 404
        assert "Иванов" not in login(outsider).get(reverse("people:transfers")).content.decode()
    request.refresh_from_db()
    assert request.status == TransferStatus.PENDING
    district_admin = grant(UserFactory(username="da"), Role.ADMIN, tree.district)
    services.person_transfer_decide(actor=district_admin, transfer=request, approve=False)
    request.refresh_from_db()
    assert request.status == TransferStatus.REFUSED


def test_lookups_by_iin_are_rate_limited_per_user(tree, chair_a, member_a, event, settings):
    settings.PERVICHKA_IIN_LOOKUPS_PER_HOUR = 2
    for _ in range(2):
        services.person_lookup(actor=chair_a, iin=member_a.person.iin)
    with pytest.raises(ValidationError) as exc:
        projects.participant_add(
            actor=chair_a, event=event, role="volunteer", hours=0, data=as_data(member_a.person)
        )
    assert exc.value.message_dict == {
        "iin": ["Too many lookups by IIN in an hour; try again later."]
    }


def test_lookups_are_logged(tree, chair_a, member_a, member_b, event):
    services.person_lookup(actor=chair_a, iin=member_a.person.iin)
    assert services.person_lookup(actor=chair_a, iin=member_b.person.iin) is None
    with pytest.raises(ValidationError):
        projects.participant_add(
            actor=chair_a, event=event, role="volunteer", hours=0, data=as_data(member_b.person)
        )
    log = list(AccessLog.objects.order_by("pk").values_list("actor", "action", "person"))
    assert log == [
        (chair_a.pk, AccessAction.LOOKUP, member_a.person_id),
        (chair_a.pk, AccessAction.LOOKUP, member_b.person_id),
    ]


def test_deputies_and_training_answer_a_kept_iin_like_nobody(tree, member_c, district_admin):
    assert services.person_lookup(actor=district_admin, iin=member_c.person.iin) is None


def test_a_public_appeal_links_a_known_iin_and_changes_nothing(tree, member_c, categories):
    """Public forms keep linking: the anonymous submitter is shown nothing of the person."""
    before = snapshot(member_c.person)
    result = appeals.appeal_submit_public(
        data=appeals.PublicAppeal(
            settlement=tree.village,
            category="roads",
            text="Яма на дороге у школы, просим засыпать",
            person=PersonData(iin=member_c.person.iin, surname="Подмена", name="Чужой"),
            consent=True,
        ),
        files=[],
        client_ip="10.0.0.1",
        idempotency_key="k-public-0001",
    )
    assert result.appeal.person == member_c.person
    assert snapshot(member_c.person) == before
    assert not PersonTransferRequest.objects.exists()
