"""Appeal numbers and tracking codes, the rules the services and the generators share."""

import random

from pervichka.appeals.numbering import (
    CODE_ALPHABET,
    CODE_LENGTH,
    registration_number,
    tracking_code,
)


def test_a_number_carries_the_district_code_the_year_and_the_count():
    assert registration_number(code="AKZ", district_id=7, year=2026, sequence=123) == (
        "AKZ-2026-000123"
    )


def test_a_district_without_a_code_is_named_by_its_id():
    assert registration_number(code="", district_id=7, year=2026, sequence=1) == "D7-2026-000001"


def test_a_tracking_code_uses_only_unambiguous_characters():
    code = tracking_code()
    assert len(code) == CODE_LENGTH
    assert set(code) <= set(CODE_ALPHABET)
    assert not set("ILOU") & set(CODE_ALPHABET)


def test_a_seeded_source_gives_the_same_codes():
    assert tracking_code(random.Random(3).choice) == tracking_code(random.Random(3).choice)
