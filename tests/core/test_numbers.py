"""One number format on every page and export: thousands grouped as the language groups them."""

import io
from decimal import Decimal

import openpyxl
from django.template import Context, Template
from django.utils import translation

from pervichka.core.exporting import xlsx_bytes
from pervichka.core.numbers import format_number

NNBSP = "\u202f"  # narrow no-break space


def test_counts_and_sums_are_grouped_in_each_language():
    cases = {
        "ru": (f"27{NNBSP}000", f"1{NNBSP}200,50", f"1{NNBSP}234{NNBSP}567"),
        "kk": (f"27{NNBSP}000", f"1{NNBSP}200,50", f"1{NNBSP}234{NNBSP}567"),
        "en": ("27,000", "1,200.50", "1,234,567"),
    }
    for language, (count, amount, big) in cases.items():
        with translation.override(language):
            assert format_number(27000) == count
            assert format_number(Decimal("1200.50")) == amount
            assert format_number(1234567) == big
            assert format_number(999) == "999"


def test_amounts_keep_two_places_when_asked_and_nothing_is_invented_for_empty_values():
    with translation.override("ru"):
        assert format_number(Decimal("27000.00")) == f"27{NNBSP}000"
        assert format_number(Decimal("27000"), 2) == f"27{NNBSP}000,00"
        assert format_number(None) == ""
        assert format_number("—") == "—"
        assert format_number("12000") == f"12{NNBSP}000"


def test_the_num_filter_in_a_template():
    template = Template("{% load pervichka %}{{ n|num }} · {{ s|num:2 }}")
    with translation.override("en"):
        assert template.render(Context({"n": 27000, "s": Decimal("5")})) == "27,000 · 5.00"
    with translation.override("kk"):
        rendered = template.render(Context({"n": 27000, "s": Decimal("5")}))
        assert rendered == f"27{NNBSP}000 · 5,00"


def test_floatformat_g_agrees_with_num():
    template = Template('{% load pervichka %}{{ x|floatformat:"2g" }}|{{ x|num:2 }}')
    with translation.override("ru"):
        left, right = template.render(Context({"x": Decimal("8400.00")})).split("|")
    assert left == right == f"8{NNBSP}400,00"


def test_exports_write_counts_and_sums_as_grouped_numbers_and_leave_fractions_alone():
    content = xlsx_bytes(
        "Sheet",
        ["count", "sum", "score", "text"],
        [[27000, Decimal("1200.50"), 0.1234, "27000"]],
    )
    row = next(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2))
    assert (row[0].value, row[0].number_format) == (27000, "#,##0")
    assert (row[1].value, row[1].number_format) == (1200.5, "#,##0.00")
    assert row[2].number_format == "General"
    assert (row[3].value, row[3].data_type) == ("27000", "s")
