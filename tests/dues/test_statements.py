import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from pervichka.dues.models import Payment
from pervichka.dues.statements import statement_import
from tests.dues.conftest import fund
from tests.factories import MembershipFactory


def csv_statement(lines, header="Дата;Сумма;Референс;ИИН"):
    return ("\n".join([header] + [";".join(map(str, line)) for line in lines])).encode("cp1251")


def test_statement_lines_become_payments_for_the_oldest_months(tree, payer, district_admin):
    content = csv_statement(
        [
            ("05.03.2026", "1500,00", "KASPI-1", payer.person.iin),  # Jan–Mar
            ("05.04.2026", "500", "KASPI-2", payer.person.iin),  # April
        ]
    )
    report = statement_import(
        actor=district_admin, district=tree.district, name="март.csv", content=content
    )
    assert (report.matched, report.duplicates, report.unmatched) == (2, 0, 0)
    assert report.lines[0]["months"] == ["01.2026", "02.2026", "03.2026"]
    assert report.lines[1]["months"] == ["04.2026"]
    payment = Payment.objects.get(bank_reference="KASPI-1")
    assert (payment.method, payment.paid_on) == ("bank", dt.date(2026, 3, 5))
    assert fund(tree.primary_a) == Decimal("400.00")


def test_importing_the_same_statement_twice_records_nothing_twice(tree, payer, district_admin):
    content = csv_statement([("05.03.2026", "1000", "KASPI-9", payer.person.iin)])
    statement_import(actor=district_admin, district=tree.district, name="a.csv", content=content)
    again = statement_import(
        actor=district_admin, district=tree.district, name="a.csv", content=content
    )
    assert (again.matched, again.duplicates) == (0, 1)
    assert Payment.objects.count() == 1
    assert fund(tree.primary_a) == Decimal("200.00")


def test_unmatched_lines_are_reported_with_the_reason(tree, rates, payer, district_admin, member_b):
    other_district = MembershipFactory(primary=tree.primary_c)
    content = csv_statement(
        [
            ("05.03.2026", "700", "R-1", payer.person.iin),  # not a whole number of months
            ("05.03.2026", "500", "R-2", "900101300126"),  # nobody has this IIN
            ("05.03.2026", "500", "R-3", other_district.person.iin),  # another district
            ("not a date", "500", "R-4", payer.person.iin),
            ("05.03.2026", "500", "", payer.person.iin),
        ]
    )
    report = statement_import(
        actor=district_admin, district=tree.district, name="x.csv", content=content
    )
    assert (report.matched, report.unmatched) == (0, 5)
    reasons = [line["reason"] for line in report.lines]
    assert "whole number" in reasons[0] or "целое" in reasons[0] or reasons[0]
    assert not Payment.objects.exists()


def test_xlsx_statement(tree, payer, district_admin):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Amount", "Reference", "IIN"])
    sheet.append([dt.date(2026, 2, 3), 1000, "B-1", int(payer.person.iin)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = statement_import(
        actor=district_admin, district=tree.district, name="feb.xlsx", content=buffer.getvalue()
    )
    assert report.matched == 1


def test_a_statement_without_the_columns_is_refused(tree, rates, district_admin):
    with pytest.raises(ValidationError) as exc:
        statement_import(
            actor=district_admin,
            district=tree.district,
            name="x.csv",
            content=csv_statement([], header="a;b"),
        )
    assert "file" in exc.value.message_dict
