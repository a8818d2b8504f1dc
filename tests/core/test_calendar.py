"""Working days in Kazakhstan: weekends, public holidays with their observed days, and the
transfers an administrator enters."""

import datetime as dt

import holidays
import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from pervichka.core.calendar import WorkCalendar, add_months, add_working_days, is_working_day
from pervichka.core.models import CalendarOverride
from pervichka.core.roles import Role
from tests.factories import UserFactory, grant

D = dt.date
LAW = WorkCalendar()


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Friday 27 Nov 2026 + 15: Independence Day (Wed 16 Dec) is skipped → Mon 21 Dec.
        (D(2026, 11, 27), 15, D(2026, 12, 21)),
        # Nauryz 2026: 21–23 March plus the observed 24 and 25 March are days off.
        (D(2026, 3, 20), 3, D(2026, 3, 30)),
        # Received on a Saturday: counting starts on Monday.
        (D(2026, 11, 28), 1, D(2026, 11, 30)),
        # New Year: 1 and 2 January are days off, 7 January (Orthodox Christmas) too.
        (D(2025, 12, 31), 3, D(2026, 1, 8)),
        (D(2026, 11, 27), 0, D(2026, 11, 27)),
        (D(2026, 11, 28), 0, D(2026, 11, 30)),
    ],
)
def test_add_working_days_examples(received, days, due):
    assert LAW.add_working_days(received, days) == due


def test_observed_day_after_a_holiday_on_a_weekend():
    # 8 March 2026 is a Sunday: Monday 9 March is the day off instead.
    assert not LAW.is_working_day(D(2026, 3, 9))
    assert LAW.is_working_day(D(2026, 3, 10))


def test_transfer_makes_a_saturday_working_and_a_friday_free():
    calendar = WorkCalendar({D(2026, 12, 19): True, D(2026, 12, 18): False})
    assert calendar.is_working_day(D(2026, 12, 19))
    assert not calendar.is_working_day(D(2026, 12, 18))
    assert calendar.add_working_days(D(2026, 12, 17), 1) == D(2026, 12, 19)


@pytest.mark.django_db
def test_transfers_entered_by_an_administrator_are_used_at_once():
    assert not is_working_day(D(2026, 12, 19))
    CalendarOverride.objects.create(date=D(2026, 12, 19), is_working=True, note="перенос")
    assert is_working_day(D(2026, 12, 19))
    assert add_working_days(D(2026, 12, 18), 1) == D(2026, 12, 19)
    CalendarOverride.objects.filter(date=D(2026, 12, 19)).delete()
    assert not is_working_day(D(2026, 12, 19))


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_transfer_changed_by_a_bulk_update_is_seen_at_once():
    # Committed changes, as in production: every worker reads the shared cache.
    saturday = D(2026, 12, 19)
    CalendarOverride.objects.create(date=saturday, is_working=True, note="перенос")
    assert add_working_days(D(2026, 12, 18), 1) == saturday  # now in the cache
    CalendarOverride.objects.filter(date=saturday).update(is_working=False)
    assert add_working_days(D(2026, 12, 18), 1) == D(2026, 12, 21)
    CalendarOverride.objects.bulk_create([CalendarOverride(date=D(2026, 12, 20), is_working=True)])
    assert add_working_days(D(2026, 12, 18), 1) == D(2026, 12, 20)


@pytest.mark.django_db(transaction=True)
def test_a_transfer_rolled_back_does_not_stay_in_the_cache():
    saturday = D(2026, 12, 19)
    assert not is_working_day(saturday)
    seen_inside = []
    try:
        with transaction.atomic():
            CalendarOverride.objects.create(date=saturday, is_working=True)
            seen_inside.append(is_working_day(saturday))
            raise Rollback
    except Rollback:
        pass
    assert seen_inside == [True]  # the transaction sees its own change
    assert not is_working_day(saturday)


@pytest.mark.django_db(transaction=True)
def test_a_transfer_changed_in_the_admin_is_used_by_the_next_deadline(client, django_user_model):
    saturday = D(2026, 12, 19)
    transfer = CalendarOverride.objects.create(date=saturday, is_working=True, note="перенос")
    assert add_working_days(D(2026, 12, 18), 1) == saturday
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "x"))
    response = client.post(
        reverse("admin:core_calendaroverride_change", args=[transfer.pk]),
        {"date": "19.12.2026", "note": "перенос отменён"},  # is_working unticked
    )
    assert response.status_code == 302
    assert add_working_days(D(2026, 12, 18), 1) == D(2026, 12, 21)


overrides = st.dictionaries(
    st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31)), st.booleans(), max_size=20
)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 6, 30)),
    days=st.integers(1, 60),
    transfers=overrides,
)
def test_deadline_is_a_working_day_exactly_n_working_days_later(start, days, transfers):
    calendar = WorkCalendar(transfers)
    due = calendar.add_working_days(start, days)
    assert due > start
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(start, due) == days
    # No working day is skipped: the day before the deadline is at n-1 working days.
    assert calendar.working_days_between(start, due - dt.timedelta(days=1)) == days - 1


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 6, 30)),
    days=st.integers(1, 40),
    transfers=overrides,
)
def test_more_days_give_a_later_deadline(start, days, transfers):
    calendar = WorkCalendar(transfers)
    assert calendar.add_working_days(start, days + 1) > calendar.add_working_days(start, days)
    # Zero days is the receipt day itself when it is a working day, else the next one.
    assert calendar.add_working_days(start, 1) >= calendar.add_working_days(start, 0)


@settings(max_examples=100, deadline=None)
@given(start=st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 6, 30)), days=st.integers(1, 40))
def test_a_weekend_or_holiday_is_never_a_deadline_without_a_transfer(start, days):
    due = LAW.add_working_days(start, days)
    # A Saturday or Sunday only when the government declared it working (issue 14, point 8).
    assert due.weekday() < 5 or due in PACKAGE.weekend_workdays
    assert due not in holidays.KZ(years=due.year)


@given(day=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)), months=st.integers(0, 24))
def test_add_months_keeps_the_day_or_takes_the_month_end(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or result.day < day.day


# --- issue 14, point 8: the declared working weekend days ------------------------------

# The package's own working-day function, over every year it knows transfers for.
PACKAGE = holidays.KZ(years=range(2013, 2028))


def test_a_declared_working_sunday_counts():
    # 3 January 2025 (Friday) was a day off, moved to Sunday 5 January, which was worked.
    assert not LAW.is_working_day(D(2025, 1, 3))
    assert LAW.is_working_day(D(2025, 1, 5))
    assert LAW.add_working_days(D(2025, 1, 2), 1) == D(2025, 1, 5)
    # Saturday 4 May 2024 was worked for Wednesday 8 May.
    assert LAW.add_working_days(D(2024, 5, 3), 1) == D(2024, 5, 4)
    # A transfer across the new year: Saturday 28 December 2013 for 3 January 2014.
    assert LAW.is_working_day(D(2013, 12, 28))


def test_an_administrators_entry_wins_over_the_package():
    calendar = WorkCalendar({D(2025, 1, 5): False})
    assert not calendar.is_working_day(D(2025, 1, 5))


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=D(2014, 1, 1), max_value=D(2025, 12, 31)),
    days=st.integers(0, 60),
)
def test_deadlines_agree_with_the_packages_working_days(start, days):
    """The project's deadline function and the `holidays` package's get_nth_working_day agree
    for every day of 2014–2025 (the years the package has transfers for)."""
    assert LAW.add_working_days(start, days) == PACKAGE.get_nth_working_day(start, days)
    assert LAW.is_working_day(start) == PACKAGE.is_working_day(start)


def test_the_calendar_page_names_the_years_without_transfers(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "x"))
    url = reverse("admin:core_calendaroverride_changelist")
    page = client.get(url)
    # The fixed clock is in 2026: the package knows 2025's transfers, none for 2026 or 2027.
    assert page.context["years_without_transfers"] == [2026, 2027]
    assert "2026, 2027" in page.content.decode()
    assert "05.01.2025" in page.content.decode()
    CalendarOverride.objects.create(date=D(2026, 12, 19), is_working=True, note="перенос")
    page = client.get(url)
    assert page.context["years_without_transfers"] == [2027]


def test_the_calendar_page_is_closed_to_users_without_the_appeals_admin_right(client, tree):
    chair = grant(UserFactory(username="chair_x", is_staff=True), Role.CHAIR, tree.primary_a)
    client.force_login(chair)
    page = client.get(reverse("admin:core_calendaroverride_changelist"))
    assert page.status_code in (302, 403)
