"""Phone numbers: parsed with phonenumbers, Kazakhstan as the default region, kept in E.164."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "KZ"


def normalize_phone(value: str) -> str:
    """Return the number in E.164 (+77011234567), or raise ValidationError."""
    raw = (value or "").strip()
    if not raw:
        return ""
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
