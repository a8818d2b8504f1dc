"""Kazakhstan working days: five-day week, public holidays with their observed days (the
`holidays` package), and the transfers an administrator enters (CalendarOverride).

Deadlines count working days *after* the day of receipt: an appeal received on Friday with
a 15-working-day term is due on the Friday three weeks later, holidays permitting.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.core.cache import cache

from pervichka.core.calendar_cache import (
    OVERRIDES_CACHE_TTL,
    changed_in_this_transaction,
    forget_overrides,
    overrides_version,
)
from pervichka.core.models import CalendarOverride

__all__ = ["WorkCalendar", "calendar", "forget_overrides"]


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.KZ(years=year).keys())


def _overrides() -> dict[dt.date, bool]:
    if changed_in_this_transaction():
        return dict(CalendarOverride.objects.values_list("date", "is_working"))
    key = f"pervichka:calendar-overrides:{overrides_version()}"
    overrides = cache.get(key)
    if overrides is None:
        overrides = dict(CalendarOverride.objects.values_list("date", "is_working"))
        cache.set(key, overrides, OVERRIDES_CACHE_TTL)
    return overrides


class WorkCalendar:
    """A calendar with a fixed set of transfers: pure, so it can be property-tested."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        self.overrides = overrides or {}

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.weekday() >= 5:
            return False
        return day not in _public_holidays(day.year)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (start itself is not counted).

        With days=0 the answer is `start` if it is a working day, else the next one.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        if days == 0:
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
            return day
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def calendar() -> WorkCalendar:
    """The calendar in force: the law's plus the administrator's transfers."""
    return WorkCalendar(_overrides())


def add_working_days(start: dt.date, days: int) -> dt.date:
    return calendar().add_working_days(start, days)


def is_working_day(day: dt.date) -> bool:
    return calendar().is_working_day(day)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 31st becomes the last day of a shorter month."""
    import calendar as _calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))
