"""The bank-statement import is all-or-report (issue 13, point 5): every line is booked or
refused with its reason, a refused line never stops the file, and the same file can be
imported again to finish it."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from pervichka.dues.models import Payment, StatementImport
from pervichka.dues.statements import statement_import
from tests.dues.test_statements import csv_statement
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.hostile, pytest.mark.django_db]

TODAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch):
    # The clock is outside the system: "today" is pinned, as tests/appeals/conftest.py does.
    monkeypatch.setattr(timezone, "now", lambda: TODAY)


@pytest.fixture(autouse=True)
def _english():
    """Reasons are asserted in English; tests/test_i18n.py checks the catalogs."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _import(district_admin, tree, lines, name="s.csv"):
    return statement_import(
        actor=district_admin, district=tree.district, name=name, content=csv_statement(lines)
    )


@pytest.fixture
def exempt(tree, rates):
    return MembershipFactory(
        primary=tree.primary_a, joined=dt.date(2026, 1, 10), dues_category="unemployed"
    )


def test_an_exempt_member_is_refused_with_the_reason_not_a_crash(
    tree, exempt, district_admin, payer
):
    report = _import(
        district_admin,
        tree,
        [
            ("05.03.2026", "500", "GOOD-1", payer.person.iin),
            ("05.03.2026", "500", "EX-1", exempt.person.iin),
        ],
    )
    assert [line["result"] for line in report.lines] == ["matched", "unmatched"]
    assert "exempt" in report.lines[1]["reason"]
    assert list(Payment.objects.values_list("bank_reference", flat=True)) == ["GOOD-1"]


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
        ("-Infinity", "not a number"),
        ("1e30", "exponent"),
        ("100000000000", "larger than"),
        ("500,005", "two decimal places"),
        ("-500", "more than zero"),
        ("пятьсот", "number of tenge"),
    ],
)
def test_an_absurd_amount_is_refused_with_its_reason(tree, payer, district_admin, amount, reason):
    report = _import(district_admin, tree, [("05.03.2026", amount, "R-1", payer.person.iin)])
    assert report.lines[0]["result"] == "unmatched"
    assert reason in report.lines[0]["reason"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("day", ["05.03.9999", "01.01.0001", "01.01.1990", "03.11.2026"])
def test_a_date_outside_the_party_years_or_in_the_future_is_refused(
    tree, payer, district_admin, day
):
    report = _import(district_admin, tree, [(day, "500", "R-1", payer.person.iin)])
    assert report.lines[0]["result"] == "unmatched"
    assert "outside" in report.lines[0]["reason"] or "cannot be read" in report.lines[0]["reason"]
    assert not Payment.objects.exists()


def test_an_absurd_xlsx_line_is_refused_too(tree, payer, district_admin):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Amount", "Reference", "IIN"])
    sheet.append([dt.date(2026, 2, 3), 500, "OK-1", int(payer.person.iin)])
    sheet.append([dt.datetime(9999, 12, 31), 500, "Y-1", int(payer.person.iin)])
    sheet.append([dt.date(2026, 2, 3), float("nan"), "N-1", int(payer.person.iin)])
    sheet.append([dt.date(2026, 2, 3), 1e30, "B-1", int(payer.person.iin)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = statement_import(
        actor=district_admin, district=tree.district, name="x.xlsx", content=buffer.getvalue()
    )
    assert [line["result"] for line in report.lines] == [
        "matched",
        "unmatched",
        "unmatched",
        "unmatched",
    ]


def test_a_reference_twice_in_one_file_is_booked_once(tree, payer, district_admin):
    report = _import(
        district_admin,
        tree,
        [
            ("05.03.2026", "500", "SAME", payer.person.iin),
            ("06.03.2026", "500", "SAME", payer.person.iin),
        ],
    )
    assert [line["result"] for line in report.lines] == ["matched", "unmatched"]
    assert "twice" in report.lines[1]["reason"]
    assert Payment.objects.count() == 1


def test_a_good_line_before_bad_ones_is_booked_and_reported_and_a_rerun_finishes(
    tree, payer, exempt, district_admin
):
    lines = [
        ("05.03.2026", "500", "GOOD-1", payer.person.iin),
        ("05.03.2026", "NaN", "BAD-1", payer.person.iin),
        ("05.03.9999", "500", "BAD-2", payer.person.iin),
        ("05.03.2026", "500", "BAD-3", exempt.person.iin),
        ("05.04.2026", "500", "GOOD-2", payer.person.iin),
    ]
    first = _import(district_admin, tree, lines)
    assert (first.matched, first.duplicates, first.unmatched) == (2, 0, 3)
    assert StatementImport.objects.count() == 1
    again = _import(district_admin, tree, lines)
    assert (again.matched, again.duplicates, again.unmatched) == (0, 2, 3)
    assert sorted(Payment.objects.values_list("bank_reference", flat=True)) == [
        "GOOD-1",
        "GOOD-2",
    ]
    assert sum(p.amount for p in Payment.objects.all()) == Decimal("1000.00")


def test_a_failure_books_nothing_without_a_report(tree, payer, district_admin):
    """A crash after some lines were booked (here the database refuses the report, as a
    full disk would) takes the booked lines back with it: no payment exists that no
    report lists."""
    table = StatementImport._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TRIGGER no_report BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION no_report() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER no_report BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION no_report()"
            )
    with pytest.raises(Exception, match="disk full"):
        _import(district_admin, tree, [("05.03.2026", "500", "GOOD-1", payer.person.iin)])
    assert not Payment.objects.exists()


def test_a_statement_larger_than_the_setting_is_refused(tree, payer, district_admin, settings):
    settings.PERVICHKA_STATEMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        _import(district_admin, tree, [("05.03.2026", "500", f"R-{n}", "1") for n in range(20)])
    assert "larger than" in str(exc.value)


def test_a_statement_with_too_many_lines_is_refused(tree, payer, district_admin, settings):
    settings.PERVICHKA_STATEMENT_MAX_ROWS = 5
    with pytest.raises(ValidationError) as exc:
        _import(district_admin, tree, [("05.03.2026", "500", f"R-{n}", "1") for n in range(20)])
    assert "more than 5 lines" in str(exc.value)
