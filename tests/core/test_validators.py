import pytest
from django.core.exceptions import ValidationError

from pervichka.core.kato import validate_kato
from pervichka.core.phones import format_phone, normalize_phone


@pytest.mark.parametrize("code", ["593200000", "751000000", "593201100"])
def test_validate_kato_accepts_nine_digits(code):
    validate_kato(code)


@pytest.mark.parametrize("code", ["", "59320000", "5932000001", "59320000a", "003200000"])
def test_validate_kato_rejects_other_forms(code):
    with pytest.raises(ValidationError):
        validate_kato(code)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+7 701 234 56 78", "+77012345678"),
        ("87012345678", "+77012345678"),
        ("8 (747) 123-45-67", "+77471234567"),
        ("7012345678", "+77012345678"),
        ("", ""),
    ],
)
def test_normalize_phone_accepts_the_ways_people_write_numbers(raw, e164):
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize("raw", ["12345", "+7 000 000 00 00", "телефон"])
def test_normalize_phone_rejects_numbers_that_do_not_exist(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_format_phone_groups_digits():
    assert format_phone("+77012345678") == "+7 701 234 5678"


def test_the_fast_path_agrees_with_phonenumbers():
    import random

    import phonenumbers

    from pervichka.core.phones import KZ_MOBILE_CODES

    rng = random.Random(5)
    for code in sorted(KZ_MOBILE_CODES):
        for _ in range(30):
            subscriber = f"{rng.randrange(10**7):07d}"
            number = phonenumbers.parse(f"+7{code}{subscriber}", "KZ")
            assert phonenumbers.is_valid_number(number), (code, subscriber)
            assert phonenumbers.region_code_for_number(number) == "KZ"
            for written in (
                f"+7 {code} {subscriber}",
                f"8{code}{subscriber}",
                f"8 ({code}) {subscriber[:3]}-{subscriber[3:5]}-{subscriber[5:]}",
            ):
                assert normalize_phone(written) == f"+7{code}{subscriber}"
