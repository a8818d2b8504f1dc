"""Issue 13, point 2: masking means unsearchable. The auditor sees IINs, phones and appeal
texts masked, so search must not match them either (names, card and appeal numbers only)."""

import pytest
from django.urls import reverse

from pervichka.appeals.selectors import AppealFilters, appeals_list
from pervichka.people.selectors import MemberFilters, members_list


@pytest.fixture
def carded(member_a):
    member_a.card_number = "77001234"
    member_a.save()
    return member_a


def test_the_auditor_cannot_find_a_member_by_iin_or_phone_prefix(carded, auditor, district_admin):
    iin, phone = carded.person.iin, carded.person.phone
    for query in (iin[:6], iin, phone[-7:]):
        assert list(members_list(auditor, MemberFilters(q=query))) == []
        assert list(members_list(district_admin, MemberFilters(q=query))) == [carded]


def test_the_auditor_finds_members_by_name_and_card_number(carded, auditor):
    assert list(members_list(auditor, MemberFilters(q="ахметова"))) == [carded]
    assert list(members_list(auditor, MemberFilters(q="7700"))) == [carded]


def test_the_member_list_page_does_not_match_a_masked_iin(carded, auditor, login):
    page = login(auditor).get(reverse("people:list"), {"q": carded.person.iin[:8]})
    assert list(page.context["page"]) == []


def test_appeal_text_search_skips_texts_the_user_cannot_read(register, auditor, district_admin):
    appeal = register(text="Прорвало трубу водопровода у школы")
    assert list(appeals_list(auditor, AppealFilters(q="водопровода"))) == []
    assert list(appeals_list(district_admin, AppealFilters(q="водопровода"))) == [appeal]
    # The number is no personal data: it is found by everyone who sees the appeal.
    assert list(appeals_list(auditor, AppealFilters(q=appeal.number[-6:]))) == [appeal]
