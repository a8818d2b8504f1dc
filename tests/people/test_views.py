import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from pervichka.people.enums import MembershipStatus
from pervichka.people.models import Membership, Person
from tests.factories import MembershipFactory

VALID_IIN = "900101300126"


def form_data(tree, **overrides):
    values = {
        "iin": VALID_IIN,
        "surname": "Сейткали",
        "name": "Арман",
        "patronymic": "Маратович",
        "phone": "+7 701 234 56 78",
        "email": "",
        "settlement": tree.village.pk,
        "address": "",
        "primary": tree.primary_a.pk,
        "joined": "2025-03-01",
        "card_number": "",
        "consent_method": "paper",
        "dues_category": "working",
    }
    values.update(overrides)
    return values


def test_member_list_shows_own_members_with_masked_iin(tree, login, chair_a, member_a, member_b):
    response = login(chair_a).get(reverse("people:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ахметова Айгерим" in page
    assert "Иванов" not in page
    assert member_a.person.iin not in page
    assert "••••••••" + member_a.person.iin[-4:] in page


@pytest.mark.parametrize("query", ["ахмет", "АЙГЕРИМ", "ахметова айг"])
def test_member_search_by_name_ignores_case_in_cyrillic(tree, login, chair_a, member_a, query):
    MembershipFactory(primary=tree.primary_a, person__surname="Петров", person__name="Олег")
    page = login(chair_a).get(reverse("people:list"), {"q": query}).content.decode()
    assert "Ахметова Айгерим" in page
    assert "Петров" not in page


def test_member_search_by_iin_and_phone(tree, login, chair_a, member_a):
    client = login(chair_a)
    assert "Ахметова" in client.get(reverse("people:list"), {"q": member_a.person.iin}).text
    phone_tail = member_a.person.phone[-7:]
    assert "Ахметова" in client.get(reverse("people:list"), {"q": phone_tail}).text
    assert "Ахметова" not in client.get(reverse("people:list"), {"q": "000000000000"}).text


def test_member_list_filters_by_status_and_hides_archived_by_default(tree, login, district_admin):
    MembershipFactory(primary=tree.primary_a, person__surname="Активный")
    MembershipFactory(
        primary=tree.primary_a,
        person__surname="Ушедший",
        status=MembershipStatus.ARCHIVED,
        left=dt.date(2024, 1, 1),
    )
    client = login(district_admin)
    assert "Ушедший" not in client.get(reverse("people:list")).text
    archived = client.get(reverse("people:list"), {"status": "archived"}).text
    assert "Ушедший" in archived
    assert "Активный" not in archived


def test_member_list_filter_by_primary(tree, login, district_admin, member_a, member_b):
    page = login(district_admin).get(reverse("people:list"), {"primary": tree.primary_b.pk}).text
    assert "Иванов" in page
    assert "Ахметова" not in page


def test_the_primaries_filter_offers_the_scope_in_the_reader_language_and_marks_the_choice(
    tree, login, district_admin, chair_a
):
    tree.primary_b.name_kk = "Айсары БҰҰ"
    tree.primary_b.save()
    client = login(district_admin)
    page = client.get(reverse("people:list"), {"primary": tree.primary_b.pk}).text
    assert f'<option value="{tree.primary_b.pk}" selected>ППО Айсары</option>' in page
    assert f'<option value="{tree.primary_a.pk}">ППО Талшик</option>' in page
    assert "ППО Дальнее" not in page  # another district's primary
    client.cookies["pervichka_language"] = "kk"
    page = client.get(reverse("people:list")).text
    assert f'<option value="{tree.primary_b.pk}">Айсары БҰҰ</option>' in page
    assert f'<option value="{tree.primary_a.pk}">ППО Талшик</option>' in page
    # A rename shows at the next request (the options are cached until the next write).
    tree.primary_a.name = "ППО Талшик-2"
    tree.primary_a.save()
    assert (
        f'<option value="{tree.primary_a.pk}">ППО Талшик-2</option>'
        in client.get(reverse("people:list")).text
    )
    chair_page = login(chair_a).get(reverse("people:list")).text
    assert f'<option value="{tree.primary_a.pk}">ППО Талшик-2</option>' in chair_page
    assert "ППО Айсары" not in chair_page


def test_member_list_paginates(tree, login, chair_a):
    for _ in range(30):
        MembershipFactory(primary=tree.primary_a)
    client = login(chair_a)
    first = client.get(reverse("people:list"))
    assert first.context["page"].paginator.count == 30
    assert len(first.context["page"].object_list) == 25
    assert len(client.get(reverse("people:list"), {"page": 2}).context["page"].object_list) == 5


def test_htmx_search_returns_only_the_table(tree, login, chair_a, member_a):
    response = login(chair_a).get(
        reverse("people:list"),
        {"q": "ахм"},
        headers={"HX-Request": "true", "HX-Target": "member-table"},
    )
    page = response.text
    assert page.lstrip().startswith('<div id="member-table">')
    assert '<nav class="navbar' not in page
    assert "Ахметова" in page


def test_member_add_with_invalid_iin_shows_the_error_in_russian(tree, login, chair_a):
    response = login(chair_a).post(
        reverse("people:add"), form_data(tree, iin="900101300127"), HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 200
    assert "Неверная контрольная цифра ИИН" in response.text
    assert not Person.objects.exists()


def test_member_add_creates_the_member(tree, login, chair_a):
    response = login(chair_a).post(reverse("people:add"), form_data(tree))
    membership = Membership.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[membership.pk])
    assert membership.person.full_name == "Сейткали Арман Маратович"
    assert membership.person.birth_date == dt.date(1990, 1, 1)


def test_member_add_into_another_primary_is_refused(tree, login, chair_a):
    response = login(chair_a).post(
        reverse("people:add"), form_data(tree, primary=tree.primary_b.pk)
    )
    assert response.status_code == 200
    assert "primary" in response.context["form"].errors
    assert not Person.objects.exists()


def test_member_add_without_consent_is_refused(tree, login, chair_a):
    response = login(chair_a).post(reverse("people:add"), form_data(tree, consent_method=""))
    assert "consent_method" in response.context["form"].errors
    assert not Person.objects.exists()


def test_member_card_shows_full_iin_to_the_chair(tree, login, chair_a, member_a):
    page = login(chair_a).get(reverse("people:detail", args=[member_a.pk])).text
    assert member_a.person.iin in page


def test_member_card_masks_personal_data_for_an_auditor(tree, login, auditor, member_a):
    page = login(auditor).get(reverse("people:detail", args=[member_a.pk])).text
    assert "Ахметова" in page
    assert member_a.person.iin not in page
    assert member_a.person.phone not in page


def test_member_edit_saves_changes(tree, login, chair_a, member_a):
    person = member_a.person
    response = login(chair_a).post(
        reverse("people:edit", args=[member_a.pk]),
        form_data(
            tree,
            iin=person.iin,
            surname="Новая",
            name=person.name,
            consent_method="",
            status="suspended",
        ),
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.person.surname == "Новая"
    assert member_a.status == MembershipStatus.SUSPENDED


def test_member_archive_keeps_the_record(tree, login, chair_a, member_a):
    response = login(chair_a).post(
        reverse("people:archive", args=[member_a.pk]),
        {"left": "2025-06-01", "leave_reason": "moved"},
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.status == MembershipStatus.ARCHIVED
    assert Membership.objects.filter(pk=member_a.pk).exists()


def test_export_has_exactly_the_filtered_rows(tree, login, district_admin, member_a, member_b):
    for _ in range(30):  # more than one page: the export is not limited to the page shown
        MembershipFactory(primary=tree.primary_b)
    response = login(district_admin).get(reverse("people:export"), {"primary": tree.primary_b.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 31
    assert {r[1] for r in rows} >= {"Иванов"}
    # Primary A's member is not there (by IIN: a generated member may also be an Ахметова).
    assert member_a.person.iin not in {r[0] for r in rows}
    assert member_b.person.iin in {r[0] for r in rows}


def test_export_masks_iin_for_an_auditor(tree, login, auditor, member_a):
    response = login(auditor).get(reverse("people:export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][0] == "••••••••" + member_a.person.iin[-4:]


def test_history_shows_who_changed_what(tree, login, chair_a, member_a):
    client = login(chair_a)
    person = member_a.person
    client.post(
        reverse("people:edit", args=[member_a.pk]),
        form_data(
            tree,
            iin=person.iin,
            surname="Сменила",
            name=person.name,
            consent_method="",
            status="active",
        ),
    )
    page = client.get(reverse("people:history", args=[person.pk])).text
    assert "Ахметова" in page
    assert "Сменила" in page
    assert chair_a.get_full_name() in page


def test_history_hidden_from_an_operator(tree, login, operator, member_a):
    # Operators have no history permission: the page is missing for them.
    assert (
        login(operator).get(reverse("people:history", args=[member_a.person.pk])).status_code == 404
    )


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("people:detail", "get"),
        ("people:edit", "get"),
        ("people:edit", "post"),
        ("people:archive", "get"),
        ("people:archive", "post"),
    ],
)
def test_outsider_chair_gets_404_and_changes_nothing(tree, login, chair_b, member_a, name, method):
    client = login(chair_b)
    url = reverse(name, args=[member_a.pk])
    payload = form_data(tree, surname="Взлом", left="2025-01-01", leave_reason="moved")
    response = client.get(url) if method == "get" else client.post(url, payload)
    assert response.status_code == 404
    member_a.refresh_from_db()
    assert member_a.person.surname == "Ахметова"
    assert member_a.status == MembershipStatus.ACTIVE


def test_outsider_chair_gets_404_on_history(tree, login, chair_b, member_a):
    assert (
        login(chair_b).get(reverse("people:history", args=[member_a.person.pk])).status_code == 404
    )


def test_outsider_export_and_search_leak_nothing(tree, login, chair_b, member_a):
    client = login(chair_b)
    assert "Ахметова" not in client.get(reverse("people:list"), {"q": "ахметова"}).text
    rows = list(
        openpyxl.load_workbook(
            io.BytesIO(client.get(reverse("people:export")).content)
        ).active.values
    )
    assert rows[1:] == []


def test_outsider_filtering_by_another_primary_finds_nothing(tree, login, chair_b, member_a):
    """The member search's narrow path (a primary chosen in the filter) keeps the scope: a
    chair of primary B who puts primary A's id in the address gets none of its members."""
    client = login(chair_b)
    page = client.get(reverse("people:list"), {"primary": tree.primary_a.pk, "q": "ахм"})
    assert page.status_code in (200, 404)
    assert "Ахметова" not in page.text
    assert f'<option value="{tree.primary_a.pk}"' not in page.text


def test_anonymous_user_is_sent_to_login(tree, client, member_a):
    response = client.get(reverse("people:detail", args=[member_a.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_pages_render_in_kazakh(tree, login, chair_a, member_a):
    client = login(chair_a)
    client.cookies["pervichka_language"] = "kk"
    page = client.get(reverse("people:list")).text
    assert '<html lang="kk">' in page
    assert "Партия мүшелері" in page
