"""One way to write a number on every page: thousands grouped the way the active language
groups them (ru, kk: a narrow no-break space and a decimal comma, 27 000 and 1 200,50; en:
a comma and a decimal point, 27,000 and 1,200.50), from the format modules in config/formats.

Templates use the `num` filter (core/templatetags/pervichka.py), Python code format_number();
floatformat with "g" agrees with both, since it reads the same separator. Spreadsheets get
numbers as numbers with a grouped number format (core/exporting.py): Excel then writes them
in the reader's own locale."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format


def format_number(value: int | float | Decimal | str | None, places: int | None = None) -> str:
    """`value` grouped by thousands in the active language; `places` decimal places (None:
    none for whole numbers, two for Decimal amounts). Anything that is not a number is
    returned as it is, and None as an empty string."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            return value
    if places is None:
        places = 2 if isinstance(value, Decimal) and value != value.to_integral_value() else 0
        if isinstance(value, float) and not value.is_integer():
            places = 1
    if places == 0:
        value = round(value)  # a whole number: int, as number_format groups it
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
