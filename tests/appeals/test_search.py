"""Issue 14, point 5: staff find an appeal by what the citizen tells them — surname, first
name, "surname name" in either order, phone in any format or its last digits, tracking code,
registration number — within their scope, and phones and codes only where they may read
personal data (issue 13, point 2)."""

import pytest
from django.urls import reverse

from pervichka.appeals.searching import split_query
from pervichka.appeals.selectors import AppealFilters, appeals_list
from pervichka.people.models import Person


def found(user, q):
    return list(appeals_list(user, AppealFilters(q=q)))


@pytest.fixture
def ivanov(register):
    return register(
        iin="900101300126",
        surname="Иванов",
        name="Сергей",
        phone="+77051234567",
        text="Нет воды",
    )


@pytest.fixture
def other(register):
    return register(
        iin="850715400004",
        surname="Петрова",
        name="Айгуль",
        phone="+77019998877",
        text="Яма на дороге",
        category="roads",
    )


@pytest.mark.parametrize(
    "query",
    [
        "Иванов",
        "иванов",
        "ИВАНОВ",
        "Сергей",
        "Иванов Сергей",
        "Сергей Иванов",
        "иван серг",
        "Иванов С.",
    ],
)
def test_an_appeal_is_found_by_the_citizens_name(ivanov, other, district_admin, auditor, query):
    assert found(district_admin, query) == [ivanov]
    # A name is no masked data: the auditor, who sees the list with names, finds it too.
    assert found(auditor, query) == [ivanov]


@pytest.mark.parametrize(
    "query",
    [
        "+7 705 123 45 67",
        "+77051234567",
        "8(705)1234567",
        "8 705 123-45-67",
        "87051234567",
        "7051234567",
        "4567",
        "45 67",
        "Иванов 4567",
    ],
)
def test_an_appeal_is_found_by_phone_in_any_format(ivanov, other, district_admin, query):
    assert found(district_admin, query) == [ivanov]


def test_phones_and_codes_are_not_searchable_without_the_right_to_read_them(
    ivanov, other, auditor, district_admin
):
    for query in ("+7 705 123 45 67", "4567", ivanov.tracking_code, ivanov.tracking_code_display):
        assert found(auditor, query) == []
        assert found(district_admin, query) == [ivanov]


def test_an_appeal_is_found_by_tracking_code_and_registration_number(
    ivanov, other, district_admin, auditor
):
    assert found(district_admin, ivanov.tracking_code.lower()) == [ivanov]
    assert found(district_admin, ivanov.tracking_code_display) == [ivanov]
    assert found(district_admin, ivanov.number) == [ivanov]
    assert found(auditor, ivanov.number) == [ivanov]
    assert found(auditor, ivanov.number[-6:]) == [ivanov]


def test_another_district_finds_nothing(ivanov, other_admin):
    for query in ("Иванов", ivanov.number, "+77051234567", ivanov.tracking_code):
        assert found(other_admin, query) == []


def test_a_primary_chair_does_not_find_the_districts_appeals(ivanov, chair_b):
    assert found(chair_b, "Иванов") == []


def test_a_renamed_citizen_is_found_by_the_new_name_and_phone(ivanov, district_admin):
    person = Person.objects.get(pk=ivanov.person_id)
    person.surname = "Смагулов"
    person.phone = "+77770001122"
    person.save()
    assert found(district_admin, "Смагулов") == [ivanov]
    assert found(district_admin, "Иванов") == []
    assert found(district_admin, "8 777 000 11 22") == [ivanov]
    # The phone given with the appeal still finds it.
    assert found(district_admin, "87051234567") == [ivanov]


def test_the_list_page_searches_the_same_way(ivanov, other, district_admin, login):
    page = login(district_admin).get(reverse("appeals:list"), {"q": "Сергей Иванов"})
    assert page.status_code == 200
    assert [a.pk for a in page.context["page"]] == [ivanov.pk]


@pytest.mark.parametrize(
    "query", ["%", "_", "' OR 1=1 --", "\\", "+", "()", "-" * 300, "9" * 300, "<script>", "Ив%нов"]
)
def test_hostile_queries_find_nothing_and_do_not_fail(ivanov, district_admin, query):
    assert found(district_admin, query) == []


def test_a_nul_byte_in_the_query_is_no_server_error(ivanov, district_admin, login):
    page = login(district_admin).get(reverse("appeals:list"), {"q": "Ив\x00анов"})
    assert page.status_code in (200, 400)


def test_split_query_keeps_a_registration_number_whole():
    assert split_query("AKZ-2026-000012 +7 705 123 45 67 Иванов") == (
        ["7051234567"],
        ["akz-2026-000012", "иванов"],
    )
