"""Sensible ranges for dates people type, per kind of field, for the forms and the API alike
(issue 13, point 6): a birth date in 9999 or a membership from the year 0001 is refused with
a message that names the range, in the caller's language.

- birth: from 1900-01-01 to today;
- membership (joined, left): from the party's founding (PERVICHKA_PARTY_FOUNDED) to today;
- record (a payment, a planting, a check: something that happened): founding to today;
- event (planned or held): PERVICHKA_EVENT_YEARS_BACK years ago to
  PERVICHKA_EVENT_YEARS_AHEAD years ahead;
- any other date: 1900 to ten years ahead."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator

from pervichka.core.errors import Refusal

BIRTH, MEMBERSHIP, RECORD, EVENT, ANY = "birth", "membership", "record", "event", "any"
EARLIEST = dt.date(1900, 1, 1)


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def date_bounds(kind: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    founded = dt.date.fromisoformat(settings.PERVICHKA_PARTY_FOUNDED)
    if kind == BIRTH:
        return EARLIEST, today
    if kind in (MEMBERSHIP, RECORD):
        return founded, today
    if kind == EVENT:
        return (
            _years_from(today, -settings.PERVICHKA_EVENT_YEARS_BACK),
            _years_from(today, settings.PERVICHKA_EVENT_YEARS_AHEAD),
        )
    return EARLIEST, _years_from(today, 10)


def date_refusal(value: dt.date, kind: str) -> str | None:
    """The message refusing `value` for a field of this kind, or None when it is sensible."""
    first, last = date_bounds(kind)
    if first <= value <= last:
        return None
    today = timezone.localdate()
    if kind == BIRTH and value > today:
        return _("A date of birth cannot be in the future.")
    if kind == MEMBERSHIP and value < first:
        return _("The party was founded on %(date)s: a membership cannot begin or end earlier.") % {
            "date": first.strftime("%d.%m.%Y")
        }
    if kind in (MEMBERSHIP, RECORD) and value > today:
        return _("This date cannot be in the future.")
    return _("Enter a date from %(first)s to %(last)s.") % {
        "first": first.strftime("%d.%m.%Y"),
        "last": last.strftime("%d.%m.%Y"),
    }


def check_date(value: dt.date | None, kind: str) -> dt.date | None:
    """`value` when sensible for its kind (None passes); else a ValidationError."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    message = date_refusal(value, kind)
    if message:
        raise ValidationError(message, code="date_range")
    return value


class SaneDateField(forms.DateField):
    """A form's date field refusing dates outside the range of its kind."""

    def __init__(self, *args, kind: str = ANY, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def clean(self, value):
        day = super().clean(value)
        check_date(day, self.kind)
        return day


def _api(kind: str):
    def check(value: dt.date | None) -> dt.date | None:
        if value is None:
            return None
        message = date_refusal(value, kind)
        if message:
            raise Refusal(message)
        return value

    return AfterValidator(check)


# Types for ninja schemas: pydantic reports the refusal as a value_error of the field, which
# core.api translates (its message is already in the caller's language).
BirthDate = Annotated[dt.date, _api(BIRTH)]
MembershipDate = Annotated[dt.date, _api(MEMBERSHIP)]
RecordDate = Annotated[dt.date, _api(RECORD)]
EventDate = Annotated[dt.date, _api(EVENT)]
AnyDate = Annotated[dt.date, _api(ANY)]
