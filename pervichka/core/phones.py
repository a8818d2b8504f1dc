"""Phone numbers: parsed with phonenumbers, Kazakhstan as the default region, kept in E.164."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "KZ"


# Kazakhstan mobile codes for which every 7-digit subscriber number is valid (phonenumbers'
# metadata; tests/core/test_validators.py checks the two agree). Most numbers people give
# are these, and a set lookup is a hundred times cheaper than parsing: imports of 100,000
# rows spend their time elsewhere.
KZ_MOBILE_CODES = frozenset(
    {
        "700",
        "701",
        "702",
        "705",
        "706",
        "707",
        "708",
        "747",
        "751",
        "760",
        "761",
        "762",
        "763",
        "764",
        "771",
        "775",
        "776",
        "777",
        "778",
        "785",
    }
)
_SEPARATORS = str.maketrans("", "", " -()\u00a0")


def normalize_phone(value: str) -> str:
    """Return the number in E.164 (+77011234567), or raise ValidationError."""
    raw = (value or "").strip()
    if not raw:
        return ""
    compact = raw.translate(_SEPARATORS)
    if compact.startswith("+"):
        compact = compact[1:]
    if compact.isascii() and compact.isdigit():
        if len(compact) == 11 and compact[0] in "78" and compact[1:4] in KZ_MOBILE_CODES:
            return "+7" + compact[1:]
        if len(compact) == 10 and compact[:3] in KZ_MOBILE_CODES:
            return "+7" + compact
    # People write 8 701 ... (the old trunk prefix) as often as +7 701 ...
    digits = "".join(c for c in raw if c.isdigit())
    if raw.startswith("8") and len(digits) == 11:
        raw = "+7" + digits[1:]
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a phone number such as +7 701 234 56 78."), code="phone_format"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This phone number does not exist: check the operator code and the digits."),
            code="phone_invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """How a person reads a number: +7 701 234 5678."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def is_kz_mobile(e164: str) -> bool:
    """A Kazakhstan mobile number (+7 7xx …): +7 9xx is Russia, landlines get no SMS."""
    if e164.startswith("+7") and len(e164) == 12 and e164[2:5] in KZ_MOBILE_CODES:
        return True
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.region_code_for_number(number) == "KZ" and phonenumbers.number_type(
        number
    ) in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
