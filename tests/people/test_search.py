"""Issue 14, point 5: the member search finds by surname, first name, "surname name" in
either order and phone in any format — phones only where the user may see them."""

import pytest

from pervichka.people.selectors import MemberFilters, members_list


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
