"""The import's fast paths for the common cell forms (issue 19, point 4) give exactly what
the general cleaning gives, and refuse what it refuses."""

import datetime as dt

import pytest

from pervichka.people import importing
from pervichka.people.importing import clean_iin, parse_date

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("value", "clean"),
    [
        ("900101300126", "900101300126"),  # the fast path
        (" 900101300126", "900101300126"),  # the general path: separators dropped
        ("900-101-300-126", "900101300126"),
        ("900101300126.0", "900101300126"),
        ("9001013001２６", "9001013001２６"),  # full-width digits are not taken as digits
    ],
)
def test_a_twelve_digit_iin_is_taken_as_it_is_and_anything_else_is_cleaned(value, clean):
    assert clean_iin(value, today=TODAY) == clean


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("01.03.2024", dt.date(2024, 3, 1)),
        ("29.02.2024", dt.date(2024, 2, 29)),
        ("31.12.1999", dt.date(1999, 12, 31)),
        ("1.3.2024", dt.date(2024, 3, 1)),  # not the common form: the general path
        ("01.03.2024 г.", dt.date(2024, 3, 1)),
    ],
)
def test_a_dotted_date_reads_the_same_on_both_paths(text, date):
    assert parse_date(text, today=TODAY) == date


@pytest.mark.parametrize("text", ["31.02.2024", "00.01.2024", "01.13.2024", "99.99.9999"])
def test_an_impossible_dotted_date_is_refused(text):
    with pytest.raises(ValueError, match=r"range|must be"):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "capitals"),
    [
        ("ИВАНОВ", True),
        ("Иванов", False),
        ("И", False),
        ("И.", False),
        ("ИВАНОВ-ПЕТРОВ", True),
        ("", False),
        ("A1", False),
        ("AB1", True),
    ],
)
def test_capitals_are_told_as_before(text, capitals):
    letters = [c for c in text if c.isalpha()]
    assert importing._in_capitals(text) is capitals
    assert capitals == (len(letters) >= 2 and text.isupper())
