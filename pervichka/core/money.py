"""Money: Decimal tenge with two places, rounded half up as bookkeepers do."""

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import BeforeValidator

from pervichka.core.errors import Refusal

CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def share_of(amount: Decimal, share: Decimal) -> Decimal:
    """The part of `amount` at `share` (0.20 for 20%), in whole tiyn."""
    return money(Decimal(amount) * Decimal(share))


def format_kzt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    whole, _, cents = f"{money(value):,.2f}".partition(".")
    return f"{whole.replace(',', ' ')},{cents} ₸"


_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_EXPONENT = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")


def parse_amount(value, *, maximum: Decimal | None = None) -> Decimal:
    """A positive amount of tenge with at most two decimals (tiyn), or a ValidationError
    that says what is wrong: NaN, infinity, `1e30`, three decimals, zero, too much.

    Nothing is rounded: an amount more precise than a tiyn is refused, not silently
    changed, because a bank statement or a typed figure that disagrees with the books must
    be looked at by a person."""
    unreadable = _("Write the amount as a number of tenge, e.g. 1500 or 1500,50.")
    if isinstance(value, bool) or value is None:
        raise ValidationError(unreadable)
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(_("The amount is not a number."))
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = str(value).replace("\u00a0", "").replace(" ", "")
        if not _PLAIN_NUMBER.fullmatch(text):
            if text.lower().lstrip("+-") in {"nan", "inf", "infinity", "snan"}:
                raise ValidationError(_("The amount is not a number."))
            if _EXPONENT.fullmatch(text):
                raise ValidationError(_("Write the amount in digits, without an exponent (1e30)."))
            raise ValidationError(unreadable)
        amount = Decimal(text.replace(",", "."))
    if not amount.is_finite():
        raise ValidationError(_("The amount is not a number."))
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."))
    limit = Decimal(settings.PERVICHKA_AMOUNT_MAX) if maximum is None else maximum
    if amount > limit:
        raise ValidationError(_("The amount is larger than %(max)s.") % {"max": format_kzt(limit)})
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError(_("The amount has more than two decimal places (tiyn)."))
    return money(amount)


class AmountField(forms.CharField):
    """A form's amount of tenge, read by `parse_amount` exactly as the API and the bank
    statement import read it (1500, 1500,50, 1 500.50; never NaN, 1e30 or three decimals)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        return parse_amount(text)


def _api_amount(value):
    try:
        return parse_amount(value)
    except ValidationError as exc:
        raise Refusal(exc.messages[0]) from exc


# An amount in a ninja schema, read by `parse_amount` like the forms' AmountField.
Amount = Annotated[Decimal, BeforeValidator(_api_amount)]
