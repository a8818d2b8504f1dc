"""Kazakhstan working days: five-day week, public holidays with their observed days, the
transfers the government declared (a Saturday or Sunday worked so that a weekday can be a
day off; both halves known to the `holidays` package for past years), and the transfers an
administrator enters (CalendarOverride), which win over the package.

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

__all__ = [
    "WorkCalendar",
    "calendar",
    "forget_overrides",
    "law_transfers",
    "years_without_transfers",
]


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.KZ(years=year).keys())


@lru_cache(maxsize=64)
def _weekend_workdays(year: int) -> frozenset[dt.date]:
    """The declared working Saturdays and Sundays of `year`. A transfer is listed under the
    year of its day off, which may fall in the next year (3 January 2014 was moved to
    Saturday 28 December 2013), so the next year is read too."""
    days = holidays.KZ(years=[year, year + 1]).weekend_workdays
    return frozenset(day for day in days if day.year == year)


def law_transfers(year: int) -> frozenset[dt.date]:
    """The weekend days the `holidays` package knows were declared working in `year`."""
    return _weekend_workdays(year)


# The last version this process read, with its transfers: the version is read from the
# shared cache every time (one round trip), the transfers only when it moved.
_last: tuple[int, dict[dt.date, bool]] | None = None


def _overrides() -> dict[dt.date, bool]:
    global _last
    if changed_in_this_transaction():
        return dict(CalendarOverride.objects.values_list("date", "is_working"))
    version = overrides_version()
    last = _last
    if last is not None and last[0] == version:
        return last[1]
    key = f"pervichka:calendar-overrides:{version}"
    overrides = cache.get(key)
    if overrides is None:
        overrides = dict(CalendarOverride.objects.values_list("date", "is_working"))
        cache.set(key, overrides, OVERRIDES_CACHE_TTL)
    _last = (version, overrides)
    return overrides


class WorkCalendar:
    """A calendar with a fixed set of transfers: pure, so it can be property-tested."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        self.overrides = overrides or {}

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.weekday() >= 5:
            return day in _weekend_workdays(day.year)
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


def years_without_transfers(years: list[int]) -> list[int]:
    """Those of `years` for which neither the `holidays` package nor an administrator has
    any transfer: the calendar page asks administrators to check the government's decree."""
    entered = {day.year for day in _overrides()}
    return [year for year in years if year not in entered and not _weekend_workdays(year)]
