"""Issue 14, point 11: Kazakh long dates with month names in the right case."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

DAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "7 желтоқсан 2026 ж."), ("ru", "7 декабря 2026 г."), ("en", "7 December 2026")],
)
def test_long_dates_write_the_month_as_a_date_needs(language, expected):
    with translation.override(language):
        rendered = Template("{% load pervichka %}{{ day|long_date }}").render(Context({"day": DAY}))
    assert rendered == expected


@pytest.mark.parametrize(
    ("month", "name"), [(1, "қаңтар"), (3, "наурыз"), (5, "мамыр"), (9, "қыркүйек")]
)
def test_every_kazakh_month_is_lower_case_inside_a_date(month, name):
    with translation.override("kk"):
        assert date_format(dt.date(2026, month, 1), "MONTH_DAY_FORMAT") == f"1 {name}"


def test_an_empty_date_is_empty():
    assert Template("{% load pervichka %}{{ day|long_date }}").render(Context({"day": None})) == ""
