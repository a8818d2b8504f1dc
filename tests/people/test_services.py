import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from pervichka.people import services
from pervichka.people.enums import LeaveReason, MembershipStatus
from pervichka.people.models import Membership, Person
from pervichka.people.services import PersonData
from tests.factories import MembershipFactory, PersonFactory

VALID_IIN = "900101300126"


def data(**overrides) -> PersonData:
    values = {
        "iin": VALID_IIN,
        "surname": "Сейткали",
        "name": "Арман",
        "patronymic": "",
        "phone": "8 701 234 56 78",
        "consent_method": "paper",
    }
    values.update(overrides)
    return PersonData(**values)


def test_member_register_creates_person_and_membership(tree, chair_a):
    membership = services.member_register(
        actor=chair_a,
        primary=tree.primary_a,
        data=data(),
        joined=dt.date(2025, 3, 1),
        card_number="A-1",
    )
    person = membership.person
    assert (person.birth_date, person.sex) == (dt.date(1990, 1, 1), "M")
    assert person.phone == "+77012345678"
    assert person.unit == tree.primary_a
    assert person.consent_method == "paper"
    assert person.consent_at is not None
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.history.get().history_user == chair_a
    assert person.history.get().history_user == chair_a


def test_member_register_reuses_the_person_with_the_same_iin(tree, district_admin, operator):
    citizen = services.person_create(
        actor=operator, unit=tree.district, data=data(surname="Старая")
    )
    membership = services.member_register(
        actor=district_admin,
        primary=tree.primary_a,
        data=data(surname="Новая"),
        joined=dt.date(2025, 3, 1),
    )
    assert membership.person.pk == citizen.pk
    assert Person.objects.count() == 1
    assert Person.objects.get().surname == "Новая"


def test_member_register_refuses_a_person_kept_by_another_organization(tree, chair_a, operator):
    citizen = services.person_create(
        actor=operator, unit=tree.district, data=data(surname="Старая", phone="+77010000000")
    )
    with pytest.raises(ValidationError) as exc:
        services.member_register(
            actor=chair_a,
            primary=tree.primary_a,
            data=data(surname="Подмена"),
            joined=dt.date(2025, 3, 1),
        )
    # The neutral answer of every staff form (tests/people/test_scoped_lookup.py).
    assert exc.value.message_dict["iin"] == [services.kept_elsewhere_message()]
    citizen.refresh_from_db()
    assert (citizen.surname, citizen.phone, citizen.unit) == (
        "Старая",
        "+77010000000",
        tree.district,
    )
    assert not Membership.objects.exists()


def test_member_register_refuses_a_current_member_of_another_primary(tree, chair_a, member_b):
    with pytest.raises(ValidationError) as exc:
        services.member_register(
            actor=chair_a,
            primary=tree.primary_a,
            data=data(iin=member_b.person.iin),
            joined=dt.date(2025, 3, 1),
        )
    assert "iin" in exc.value.message_dict
    assert Membership.objects.filter(person=member_b.person).count() == 1


def test_member_register_requires_consent(tree, chair_a):
    with pytest.raises(ValidationError) as exc:
        services.member_register(
            actor=chair_a,
            primary=tree.primary_a,
            data=data(consent_method=""),
            joined=dt.date(2025, 3, 1),
        )
    assert "consent_method" in exc.value.message_dict
    assert not Person.objects.exists()


def test_member_register_in_another_primary_is_missing(tree, chair_a):
    with pytest.raises(Http404):
        services.member_register(
            actor=chair_a, primary=tree.primary_b, data=data(), joined=dt.date(2025, 3, 1)
        )
    assert not Person.objects.exists()


def test_member_register_reports_a_bad_phone_in_russian(tree, chair_a):
    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        services.member_register(
            actor=chair_a,
            primary=tree.primary_a,
            data=data(phone="123"),
            joined=dt.date(2025, 3, 1),
        )
    assert "телефон" in exc.value.message_dict["phone"][0].lower()


def test_member_register_rejects_future_joining(tree, chair_a):
    with pytest.raises(ValidationError) as exc:
        services.member_register(
            actor=chair_a, primary=tree.primary_a, data=data(), joined=dt.date(2999, 1, 1)
        )
    assert "joined" in exc.value.message_dict
    assert not Person.objects.exists()


def test_card_number_is_unique(tree, chair_a):
    MembershipFactory(primary=tree.primary_a, card_number="777")
    with pytest.raises(ValidationError) as exc:
        services.member_register(
            actor=chair_a,
            primary=tree.primary_a,
            data=data(),
            joined=dt.date(2025, 3, 1),
            card_number="777",
        )
    assert "card_number" in exc.value.message_dict


def test_membership_archive_keeps_the_member(tree, chair_a, member_a):
    services.membership_archive(
        actor=chair_a, membership=member_a, left=dt.date(2025, 5, 1), reason=LeaveReason.MOVED
    )
    member_a.refresh_from_db()
    assert member_a.status == MembershipStatus.ARCHIVED
    assert member_a.left == dt.date(2025, 5, 1)
    assert Person.objects.filter(pk=member_a.person_id).exists()
    latest = member_a.history.first()
    assert latest.history_user == chair_a
    assert latest.history_change_reason == LeaveReason.MOVED


def test_archived_member_can_join_again(tree, chair_a, member_a):
    services.membership_archive(
        actor=chair_a, membership=member_a, left=dt.date(2025, 5, 1), reason=LeaveReason.OWN_WISH
    )
    again = services.member_register(
        actor=chair_a,
        primary=tree.primary_a,
        joined=dt.date(2025, 9, 1),
        data=data(
            iin=member_a.person.iin, surname=member_a.person.surname, name=member_a.person.name
        ),
    )
    assert again.person_id == member_a.person_id
    assert Membership.objects.filter(person=member_a.person).count() == 2


def test_membership_archive_by_outsider_is_missing(tree, chair_b, member_a):
    with pytest.raises(Http404):
        services.membership_archive(
            actor=chair_b, membership=member_a, left=dt.date(2025, 5, 1), reason=LeaveReason.MOVED
        )
    member_a.refresh_from_db()
    assert member_a.status == MembershipStatus.ACTIVE


def test_member_update_records_old_and_new_values(tree, chair_a, member_a):
    person = member_a.person
    services.member_update(
        actor=chair_a,
        membership=member_a,
        data=data(iin=person.iin, surname="Ахметова-Сейткали", name=person.name, consent_method=""),
        primary=tree.primary_a,
        joined=member_a.joined,
    )
    new, old = person.history.all()[:2]
    assert (old.surname, new.surname) == ("Ахметова", "Ахметова-Сейткали")
    assert new.history_user == chair_a


def test_member_update_cannot_move_a_member_out_of_scope(tree, chair_a, member_a):
    with pytest.raises(Http404):
        services.member_update(
            actor=chair_a,
            membership=member_a,
            data=data(iin=member_a.person.iin),
            primary=tree.primary_b,
            joined=member_a.joined,
        )
    member_a.refresh_from_db()
    assert member_a.primary == tree.primary_a


def test_person_iin_is_unique_when_present(tree, operator):
    services.person_create(actor=operator, unit=tree.district, data=data())
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=operator, unit=tree.district, data=data(surname="Другой"))
    assert "iin" in exc.value.message_dict
    services.person_create(actor=operator, unit=tree.district, data=data(iin=None))
    services.person_create(actor=operator, unit=tree.district, data=data(iin=""))
    assert Person.objects.filter(iin__isnull=True).count() == 2


def test_person_without_iin_keeps_a_typed_birth_date(tree, operator):
    person = services.person_create(
        actor=operator,
        unit=tree.district,
        data=data(iin=None, birth_date=dt.date(1970, 5, 5)),
    )
    assert person.birth_date == dt.date(1970, 5, 5)
    assert person.sex == ""
    assert PersonFactory(unit=tree.district).search_name.islower()
