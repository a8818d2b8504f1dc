"""The Kazakhstan individual identification number (ИИН / ЖСН).

Twelve digits: YYMMDD of birth, one digit for century and sex, four serial digits, and a
check digit. The check digit is the weighted sum of the first eleven digits modulo 11,
with weights 1..11; when that gives 10, a second sequence of weights 3..11,1,2 is used;
when that also gives 10, the number is never issued. python-stdnum has no IIN module,
so this is written by hand (DESIGN.md) and tested against every kind of invalid number.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Seventh digit: (century start, sex). Odd digits are men, even digits women.
CENTURY_SEX = {
    "1": (1800, "M"),
    "2": (1800, "F"),
    "3": (1900, "M"),
    "4": (1900, "F"),
    "5": (2000, "M"),
    "6": (2000, "F"),
}


@dataclass(frozen=True)
class IINInfo:
    birth_date: dt.date
    sex: str  # "M" or "F"


def check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when no valid IIN starts with them."""
    # The weights written out (WEIGHTS_FIRST, then WEIGHTS_SECOND): an import checks 100,000
    # of these, and the sums over zip() cost three times as much.
    a, b, c, d, e, f, g, h, i, j, k = map(int, first_eleven)
    remainder = (
        a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j + 11 * k
    ) % 11
    if remainder != 10:
        return remainder
    remainder = (
        3 * a + 4 * b + 5 * c + 6 * d + 7 * e + 8 * f + 9 * g + 10 * h + 11 * i + j + 2 * k
    ) % 11
    return None if remainder == 10 else remainder


def parse_iin(value: str, *, today: dt.date | None = None) -> IINInfo:
    """Validate an IIN and return what it encodes; raise ValidationError saying what is wrong."""
    iin = (value or "").strip()
    if not iin.isdigit() or not iin.isascii():
        raise ValidationError(_("The IIN must contain digits only."), code="iin_digits")
    if len(iin) != 12:
        raise ValidationError(
            _("The IIN must be exactly 12 digits long, not %(length)d."),
            code="iin_length",
            params={"length": len(iin)},
        )
    century_sex = CENTURY_SEX.get(iin[6])
    if century_sex is None:
        raise ValidationError(
            _("The 7th digit of the IIN (century and sex) must be from 1 to 6."),
            code="iin_century",
        )
    century, sex = century_sex
    try:
        birth_date = dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError as exc:
        raise ValidationError(
            _("The first six digits of the IIN are not a valid date of birth."),
            code="iin_date",
        ) from exc
    if birth_date > (today or dt.date.today()):
        raise ValidationError(
            _("The date of birth in the IIN is in the future."), code="iin_future"
        )
    expected = check_digit(iin[:11])
    if expected is None or expected != int(iin[11]):
        raise ValidationError(
            _("The IIN check digit is wrong: please check the number for a typo."),
            code="iin_checksum",
        )
    return IINInfo(birth_date=birth_date, sex=sex)


def validate_iin(value: str) -> None:
    """A Django field validator."""
    parse_iin(value)


def is_valid_iin(value: str) -> bool:
    try:
        parse_iin(value)
    except ValidationError:
        return False
    return True


def mask_iin(value: str | None) -> str:
    """What lists show: the last four digits only; birth date and sex stay hidden."""
    if not value:
        return ""
    return "•" * (len(value) - 4) + value[-4:]


def generate_iin(
    birth_date: dt.date, sex: str, *, rng: random.Random | None = None, serial: int | None = None
) -> str:
    """A valid IIN for generated (never real) people: demo data, tests and benchmarks."""
    rng = rng or random.Random()
    century = (birth_date.year // 100) * 100
    century_digit = {
        (1800, "M"): 1,
        (1800, "F"): 2,
        (1900, "M"): 3,
        (1900, "F"): 4,
        (2000, "M"): 5,
        (2000, "F"): 6,
    }[(century, sex)]
    while True:
        number = serial if serial is not None else rng.randrange(10000)
        head = f"{birth_date:%y%m%d}{century_digit}{number % 10000:04d}"
        digit = check_digit(head)
        if digit is not None:
            return f"{head}{digit}"
        # This serial gives no valid check digit; try the next one.
        serial = (number + 1) if serial is not None else None
