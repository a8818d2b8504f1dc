"""Issue 14, point 5: the member search finds by surname, first name, "surname name" in
either order and phone in any format — phones only where the user may see them."""

import datetime as dt

import pytest

from pervichka.people.enums import MembershipStatus
from pervichka.people.selectors import MemberFilters, members_list
from tests.factories import MembershipFactory


@pytest.fixture
def member(member_a):
    person = member_a.person
    person.phone = "+77051234567"
    person.save()
    return member_a


@pytest.mark.parametrize(
    "query", ["Ахметова", "айгерим", "Ахметова Айгерим", "Айгерим Ахметова", "ахм айг"]
)
def test_a_member_is_found_by_name_in_either_order(member, district_admin, auditor, query):
    assert list(members_list(district_admin, MemberFilters(q=query))) == [member]
    assert list(members_list(auditor, MemberFilters(q=query))) == [member]


@pytest.mark.parametrize(
    "query", ["+7 705 123 45 67", "8(705)1234567", "87051234567", "7051234567", "4567"]
)
def test_a_member_is_found_by_phone_in_any_format_where_phones_are_visible(
    member, district_admin, auditor, other_admin, query
):
    assert list(members_list(district_admin, MemberFilters(q=query))) == [member]
    assert list(members_list(auditor, MemberFilters(q=query))) == []
    assert list(members_list(other_admin, MemberFilters(q=query))) == []


@pytest.fixture
def namesakes(tree):
    """Members in three primaries of two districts whose names share fragments, one of them
    kept at the district (its record's unit is not its primary), one archived."""
    names = [
        (tree.primary_a, "Ахметова", "Айгерим", "Маратовна"),
        (tree.primary_a, "Ахметов", "Ержан", ""),
        (tree.primary_a, "Әбдіқадыр", "Ақжол", "Серікұлы"),
        (tree.primary_b, "Ахметова", "Алия", "Болатовна"),
        (tree.primary_b, "Иванова", "Ахметжан", ""),
        (tree.primary_c, "Ахметова", "Айгерим", "Маратовна"),
        (tree.primary_c, "Әбдіқадырова", "Әсем", ""),
    ]
    members = [
        MembershipFactory(
            primary=primary, person__surname=surname, person__name=name, person__patronymic=patr
        )
        for primary, surname, name, patr in names
    ]
    kept_at_district = members[1].person
    kept_at_district.unit = tree.district
    kept_at_district.save()
    MembershipFactory(
        primary=tree.primary_b,
        person__surname="Ахметов",
        person__name="Архив",
        person__patronymic="",
        status=MembershipStatus.ARCHIVED,
        left=dt.date(2024, 1, 1),
    )
    return members


@pytest.mark.parametrize(
    "query", ["ахм", "АХМЕТОВА айгерим", "әбді", "ақжол серік", "ова", "жан", "%", "_", "ь", ""]
)
def test_a_primary_or_a_district_finds_what_the_region_finds_there_in_the_same_order(
    namesakes, tree, district_admin, chair_a, auditor, query
):
    """A primary's or a district's list matches names member by member, a region's through
    the name index (people.selectors._narrow_scope): the same members, in the same order."""
    region = list(members_list(auditor, MemberFilters(q=query)))
    for primary in (tree.primary_a, tree.primary_b, tree.primary_c):
        filtered = members_list(auditor, MemberFilters(q=query, primary_id=primary.pk))
        assert list(filtered) == [m for m in region if m.primary_id == primary.pk]
    in_district = [m for m in region if m.primary.path.startswith(tree.district.path)]
    assert list(members_list(district_admin, MemberFilters(q=query))) == in_district
    assert list(members_list(chair_a, MemberFilters(q=query))) == [
        m for m in region if m.primary_id == tree.primary_a.pk
    ]


def test_the_search_finds_kazakh_letters_and_either_order_in_a_primary(namesakes, chair_a):
    found = members_list(chair_a, MemberFilters(q="Ақжол Әбдіқадыр"))
    assert [m.person.full_name for m in found] == ["Әбдіқадыр Ақжол Серікұлы"]
    found = members_list(chair_a, MemberFilters(q="ахметов"))
    assert [m.person.full_name for m in found] == ["Ахметов Ержан", "Ахметова Айгерим Маратовна"]


def test_the_archived_search_stays_within_the_primary_filter(namesakes, tree, auditor):
    found = members_list(
        auditor,
        MemberFilters(q="ахметов", primary_id=tree.primary_b.pk, status=MembershipStatus.ARCHIVED),
    )
    assert [m.person.full_name for m in found] == ["Ахметов Архив"]
