import datetime as dt
import io
import uuid
from decimal import Decimal

import openpyxl
from django.urls import reverse
from django.utils import timezone

from pervichka.dues import services
from pervichka.dues.models import Payment
from tests.dues.conftest import fund
from tests.factories import MembershipFactory


def test_chair_records_a_payment_from_the_member_card(tree, login, chair_a, payer):
    client = login(chair_a)
    page = client.get(reverse("dues:pay", args=[payer.pk]))
    assert page.status_code == 200
    key = uuid.uuid4().hex
    data = {
        # The card shows the last 12 months: February 2026 is among them until 2027-01-31.
        "months": ["2026-02-01", "2026-03-01"],
        "method": "cash",
        "receipt_number": "КВ-77",
        "bank_reference": "",
        "paid_on": "2026-11-20",
        "idempotency_key": key,
    }
    response = client.post(reverse("dues:pay", args=[payer.pk]), data)
    assert response["Location"] == reverse("dues:member", args=[payer.pk])
    client.post(reverse("dues:pay", args=[payer.pk]), data)  # a double click
    assert Payment.objects.count() == 1
    assert fund(tree.primary_a) == Decimal("200.00")
    card = client.get(reverse("dues:member", args=[payer.pk])).content.decode()
    assert 'data-month="2026-02" data-state="paid"' in card
    assert 'data-month="2026-04" data-state="arrears"' in card


def test_payment_form_errors_are_shown(tree, login, chair_a, payer):
    response = login(chair_a).post(
        reverse("dues:pay", args=[payer.pk]),
        {
            "months": ["2026-01-01"],
            "method": "cash",
            "receipt_number": "",
            "paid_on": "2026-11-20",
            "idempotency_key": uuid.uuid4().hex,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "receipt_number" in response.context["form"].errors
    assert not Payment.objects.exists()


def test_primary_month_view_and_export(tree, login, chair_a, payer, pay):
    MembershipFactory(
        primary=tree.primary_a,
        joined=dt.date(2026, 1, 1),
        person__surname="Должников",
        person__patronymic="",
    )
    pay(payer, [1, 2, 3])
    client = login(chair_a)
    response = client.get(reverse("dues:primary", args=[tree.primary_a.pk]), {"month": "2026-03"})
    assert response.context["rate"] == 0.5
    rows = {
        r.membership.person.surname: (r.paid, r.arrears_months) for r in response.context["rows"]
    }
    assert rows == {"Плательщиков": (True, 0), "Должников": (False, 2)}
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                reverse("dues:primary", args=[tree.primary_a.pk]),
                {"month": "2026-03", "format": "xlsx"},
            ).content
        )
    ).active
    assert sheet.max_row == 3


def test_district_table_shows_each_primary(tree, login, district_admin, payer, pay):
    pay(payer, [1, 2, 3, 4])
    response = login(district_admin).get(reverse("dues:district"), {"year": "2026"})
    rows = {r.primary.name: r for r in response.context["rows"]}
    assert set(rows) == {"ППО Талшик", "ППО Айсары"}
    talshik = rows["ППО Талшик"]
    assert (talshik.collected, talshik.returned, talshik.balance) == (
        Decimal("2000.00"),
        Decimal("400.00"),
        Decimal("400.00"),
    )
    assert talshik.paid_months == 4
    export = login(district_admin).get(reverse("dues:district"), {"year": "2026", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 3


def test_fund_statement_has_a_running_balance(tree, login, chair_a, district_admin, payer, pay):
    today = timezone.localdate()
    pay(payer, [1, 2, 3, 4, 5], paid_on=today)  # booked this year, as the spending below
    request = services.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("120"), purpose="Мячи"
    )
    services.spending_approve(actor=district_admin, request=request)
    response = login(chair_a).get(
        reverse("dues:fund", args=[tree.primary_a.pk]), {"year": today.year}
    )
    lines = response.context["lines"]
    assert [(line.inflow, line.outflow, line.balance) for line in lines] == [
        (Decimal("500.00"), 0, Decimal("500.00")),
        (0, Decimal("120.00"), Decimal("380.00")),
    ]


def test_spending_request_and_decision_pages(tree, login, chair_a, district_admin, payer, pay):
    pay(payer, [1, 2, 3])
    chair = login(chair_a)
    response = chair.post(
        reverse("dues:spending_new"),
        {"primary": tree.primary_a.pk, "amount": "250", "purpose": "Саженцы", "project_ref": ""},
    )
    spending = tree.primary_a.spending_requests.get()
    assert response["Location"] == reverse("dues:spending", args=[spending.pk])
    # The chair cannot approve their own request.
    chair.post(reverse("dues:spending_decide", args=[spending.pk, "approve"]))
    spending.refresh_from_db()
    assert spending.status == "requested"
    admin = login(district_admin)
    admin.post(reverse("dues:spending_decide", args=[spending.pk, "approve"]))
    spending.refresh_from_db()
    assert spending.status == "approved"
    assert fund(tree.primary_a) == Decimal("50.00")  # 300 returned, 250 spent
    too_much = services.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("60"), purpose="Краска"
    )
    response = admin.post(
        reverse("dues:spending_decide", args=[too_much.pk, "approve"]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "has 50,00 ₸; this needs 60,00 ₸" in response.content.decode()
    too_much.refresh_from_db()
    assert too_much.status == "requested"


def test_bank_statement_page(tree, login, district_admin, payer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = f"Date,Amount,Reference,IIN\n2026-02-01,500,REF-1,{payer.person.iin}\n".encode()
    response = login(district_admin).post(
        reverse("dues:statements"),
        {"district": tree.district.pk, "file": SimpleUploadedFile("s.csv", content)},
    )
    report = tree.district.pk and response["Location"]
    page = login(district_admin).get(report).content.decode()
    assert 'id="matched">1<' in page


def test_rates_page_sets_a_rate(tree, login, district_admin, rates):
    response = login(district_admin).post(
        reverse("dues:rates"),
        {
            "rate": "1",
            "rate-category": "student",
            "rate-amount": "150",
            "rate-valid_from": "2027-01-01",
        },
    )
    assert response.status_code == 302
    assert tree.district.dues_rates.get(category="student", valid_from="2027-01-01").amount == 150


def test_member_card_survives_a_bad_months_value_and_exports_words(tree, login, chair_a, payer):
    client = login(chair_a)
    assert client.get(reverse("dues:member", args=[payer.pk]), {"months": "abc"}).status_code == 200
    export = client.get(
        reverse("dues:member", args=[payer.pk]),
        {"format": "xlsx", "months": "99999"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    states = {
        row[1]
        for row in openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    }
    assert "owed" in states
    assert "arrears" not in states


def test_a_new_return_share_applies_from_its_date(tree, login, district_admin, payer, pay):
    """The district raises the return share to 30% from a date: a payment before it returns
    20%, one from that day on 30%."""
    from django.utils import timezone

    today = timezone.localdate()
    response = login(district_admin).post(
        reverse("dues:rates"),
        {"share": "1", "share-percent": "30", "share-valid_from": today.isoformat()},
    )
    assert response.status_code == 302
    pay(payer, [1], paid_on=today - dt.timedelta(days=1), receipt="КВ-11")
    assert fund(tree.primary_a) == Decimal("100.00")
    pay(payer, [2], paid_on=today, receipt="КВ-12")
    assert fund(tree.primary_a) == Decimal("250.00")


def test_a_regional_administrator_chooses_the_district(tree, login, district_admin, rates):
    from pervichka.core.roles import Role
    from tests.factories import UserFactory, grant

    regional = grant(UserFactory(username="regional"), Role.ADMIN, tree.region)
    client = login(regional)
    page = client.get(reverse("dues:rates"), {"district": tree.other_district.pk})
    assert page.context["district"] == tree.other_district
    client.post(
        reverse("dues:rates"),
        {
            "district": tree.other_district.pk,
            "share": "1",
            "share-percent": "25",
            "share-valid_from": "2027-01-01",
        },
    )
    assert tree.other_district.return_shares.get().share == Decimal("0.25")
    # A district's administrator cannot reach another district's rates.
    other = login(district_admin).get(reverse("dues:rates"), {"district": tree.other_district.pk})
    assert other.status_code == 404


def test_the_bank_statement_link_is_shown_only_to_who_may_import(
    tree, login, district_admin, chair_a
):
    from pervichka.core.roles import Role
    from tests.factories import UserFactory, grant

    treasurer_a = grant(UserFactory(username="treasurer_a"), Role.TREASURER, tree.primary_a)
    district_treasurer = grant(UserFactory(username="treasurer"), Role.TREASURER, tree.district)
    link = f'href="{reverse("dues:statements")}"'
    for user in (chair_a, treasurer_a):
        client = login(user)
        assert link not in client.get(reverse("dues:district")).content.decode()
        assert client.get(reverse("dues:statements")).status_code == 404
    for user in (district_admin, district_treasurer):
        client = login(user)
        assert link in client.get(reverse("dues:district")).content.decode()
        assert client.get(reverse("dues:statements")).status_code == 200


def test_dues_pages_print_amounts_grouped_in_the_readers_language(
    tree, login, chair_a, payer, pay, monkeypatch
):
    from django.utils import timezone

    from pervichka.dues.models import DuesRate

    DuesRate.objects.create(
        district=tree.district, category="working", amount=Decimal("1200"), valid_from="2026-01-01"
    )
    pay(payer, [1, 2, 3])  # 3600 ₸
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC))
    client = login(chair_a)
    card = reverse("dues:member", args=[payer.pk])
    month = reverse("dues:primary", args=[tree.primary_a.pk])

    page = client.get(card).content.decode()  # Russian: April to October owed
    assert "7 месяцев задолженности (8\u202f400,00 ₸)" in page
    assert '<td class="text-end">3\u202f600,00</td>' in page
    assert '<td class="text-end">1\u202f200,00</td>' in (
        client.get(month, {"month": "2026-03"}).content.decode()
    )
    assert (
        "04.2026 — 1\u202f200,00 ₸"
        in client.get(reverse("dues:pay", args=[payer.pk])).content.decode()
    )

    client.cookies["pervichka_language"] = "en"
    page = client.get(card).content.decode()
    assert "7 months in arrears (8,400.00 ₸)" in page
    assert '<td class="text-end">3,600.00</td>' in page
    assert (
        "04.2026 — 1,200.00 ₸" in client.get(reverse("dues:pay", args=[payer.pk])).content.decode()
    )


def test_a_chair_of_another_primary_gets_404_on_the_rates_and_the_member_card(
    tree, login, chair_b, payer
):
    client = login(chair_b)
    assert client.get(reverse("dues:rates"), {"district": tree.district.pk}).status_code == 404
    assert client.get(reverse("dues:member", args=[payer.pk]), {"months": "abc"}).status_code == 404


def test_the_spending_form_offers_the_projects_of_the_projects_app(
    tree, login, chair_a, chair_b, payer, pay
):
    """Issue 14, point 11: a project is chosen from the projects app (registered in its
    ready(): dues does not import projects), not typed differently by every primary."""
    pay(payer, [1, 2, 3])
    chair = login(chair_a)
    form = chair.get(reverse("dues:spending_new"), HTTP_ACCEPT_LANGUAGE="en").context["form"]
    choices = dict(form.fields["project_ref"].choices)
    assert choices["tazalike"] == "TazaLike"
    response = chair.post(
        reverse("dues:spending_new"),
        {
            "primary": tree.primary_a.pk,
            "amount": "100",
            "purpose": "Саженцы",
            "project_ref": "tazalike",
        },
    )
    spending = tree.primary_a.spending_requests.get()
    assert spending.project_ref == "tazalike"
    page = chair.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "ТазаLike" in page
    # A project that does not exist is refused, not stored.
    refused = chair.post(
        reverse("dues:spending_new"),
        {"primary": tree.primary_a.pk, "amount": "100", "purpose": "x", "project_ref": "<b>nope"},
    )
    assert refused.status_code == 200
    assert "project_ref" in refused.context["form"].errors
    # Another primary's chair cannot file a request for primary A.
    other = login(chair_b).post(
        reverse("dues:spending_new"),
        {"primary": tree.primary_a.pk, "amount": "100", "purpose": "x", "project_ref": ""},
    )
    assert other.status_code in (200, 404)
    assert tree.primary_a.spending_requests.count() == 1
