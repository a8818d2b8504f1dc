"""A segment's live count equals a hand count for every filter a segment can carry, alone
and combined (categories derived and recorded, villages, membership, age, the unit), on
SQLite and on PostgreSQL; on PostgreSQL the count of the common filters is served by the
indexes of people/0011 (issue 17: a segment of 100,000 people counted in under a second),
and what they do not cover still counts right."""

import datetime as dt
import itertools

import pytest
from django.db import connection

from pervichka.core.roles import Role
from pervichka.outreach import selectors
from pervichka.outreach.enums import CitizenCategory, Membership
from pervichka.outreach.models import PersonCategory, Segment
from pervichka.people.models import Membership as PartyMembership
from tests.clock import TODAY
from tests.factories import MembershipFactory, PersonFactory, UserFactory, grant


def years_before(years: int, days: int = 0) -> dt.date:
    try:
        day = TODAY.replace(year=TODAY.year - years)
    except ValueError:  # 29 February
        day = TODAY.replace(year=TODAY.year - years, day=28)
    return day + dt.timedelta(days=days)


def full_years(born: dt.date) -> int:
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


@pytest.fixture
def national_admin(tree):
    return grant(UserFactory(username="national_admin"), Role.ADMIN, tree.party)


@pytest.fixture
def crowd(tree):
    """People on every edge of the filters: the pension ages' days (women 61, men and sex
    unknown 63) and the day after, youth's 14th birthday and the day before the 36th, no date
    of birth, members, former members, recorded categories, with and without a village, in
    two primaries, the district's own register and another district."""
    rows = []
    births = [
        years_before(61),  # a woman is a pensioner from this day
        years_before(61, 1),
        years_before(62),
        years_before(63),  # a man, or sex unknown, from this day
        years_before(63, 1),
        years_before(80),
        years_before(14),
        years_before(14, 1),
        years_before(36, 1),  # 35 years and 364 days: still young
        years_before(36),
        years_before(45),
        None,
    ]
    units = [tree.primary_a, tree.primary_b, tree.district, tree.primary_c]
    serial = itertools.count()
    for born, sex, unit in itertools.product(births, ["F", "M", ""], units):
        n = next(serial)
        village = [tree.village, None, tree.other_village][n % 3]
        person = PersonFactory(
            unit=unit, iin=None, birth_date=born, sex=sex, settlement=village, phone=""
        )
        member = n % 4
        if member in (1, 2) and unit.kind == "primary":
            MembershipFactory(primary=unit, person=person)
        if member == 2 and unit.kind == "primary":
            PartyMembership.objects.filter(person=person).update(
                status="archived", left=dt.date(2025, 1, 1)
            )
        categories = set()
        if n % 5 == 0:
            PersonCategory.objects.create(
                person=person,
                category=CitizenCategory.LARGE_FAMILY,
                source="document",
                noted_on=TODAY,
            )
            categories.add(CitizenCategory.LARGE_FAMILY)
        rows.append(
            {
                "person": person,
                "path": unit.path,
                "born": born,
                "sex": sex,
                "village": village,
                "member": member == 1 and unit.kind == "primary",
                "recorded": categories,
            }
        )
    return rows


def by_hand(row, *, unit, categories, villages, membership, age_min, age_max) -> bool:
    """The segment's rules written out, one person at a time."""
    if not row["path"].startswith(unit.path):
        return False
    age = full_years(row["born"]) if row["born"] else None
    if categories:
        matched = False
        for code in categories:
            if code == CitizenCategory.PENSIONER:
                matched |= age is not None and age >= (61 if row["sex"] == "F" else 63)
            elif code == CitizenCategory.YOUTH:
                matched |= age is not None and 14 <= age <= 35
            else:
                matched |= code in row["recorded"]
        if not matched:
            return False
    if villages and row["village"] not in villages:
        return False
    if membership == Membership.MEMBERS and not row["member"]:
        return False
    if membership == Membership.NON_MEMBERS and row["member"]:
        return False
    if age_min is not None and (age is None or age < age_min):
        return False
    return not (age_max is not None and (age is None or age > age_max))


CATEGORIES = [
    [],
    [CitizenCategory.PENSIONER],
    [CitizenCategory.YOUTH],
    [CitizenCategory.PENSIONER, CitizenCategory.YOUTH],
    [CitizenCategory.LARGE_FAMILY],
    [CitizenCategory.PENSIONER, CitizenCategory.LARGE_FAMILY],
]
AGES = [(None, None), (62, None), (None, 62), (14, 61)]


def test_every_filter_and_combination_counts_as_by_hand(tree, crowd, national_admin):
    assert len(crowd) == 144
    checked = 0
    for unit, categories, villages, membership, (age_min, age_max) in itertools.product(
        [tree.party, tree.primary_a],
        CATEGORIES,
        [[], [tree.village]],
        Membership.values,
        AGES,
    ):
        segment = Segment.objects.create(
            unit=unit,
            name="s",
            categories=categories,
            membership=membership,
            age_min=age_min,
            age_max=age_max,
        )
        segment.settlements.set(villages)
        expected = {
            row["person"].pk
            for row in crowd
            if by_hand(
                row,
                unit=unit,
                categories=categories,
                villages=villages,
                membership=membership,
                age_min=age_min,
                age_max=age_max,
            )
        }
        where = (unit.kind, categories, len(villages), membership, age_min, age_max)
        assert selectors.segment_count(national_admin, segment, today=TODAY) == len(expected), where
        people = selectors.segment_people(national_admin, segment, today=TODAY)
        assert set(people.values_list("pk", flat=True)) == expected, where
        checked += 1
    assert checked == 2 * 6 * 2 * 3 * 4


def test_the_pension_age_edges_by_hand(tree, crowd, national_admin):
    """The counts above are not vacuous: the edges fall where the law puts them."""
    segment = Segment.objects.create(
        unit=tree.primary_a, name="p", categories=[CitizenCategory.PENSIONER]
    )
    found = set(selectors.segment_people(national_admin, segment, today=TODAY))
    ages = sorted((row["sex"], full_years(row["born"])) for row in crowd if row["person"] in found)
    assert ages == sorted(
        [("F", 61), ("F", 62), ("F", 62), ("F", 63), ("F", 80)]
        + [(sex, age) for sex in ("M", "") for age in (63, 80)]
    )


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        # A test database is small: the planner would scan it whole. What is asserted is
        # that the index can serve the query alone, as it does at national scale
        # (bench/NOTES.md, "Segment count (branch segment-speed)").
        cursor.execute("ANALYZE people_person")
        cursor.execute("ANALYZE people_membership")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        try:
            return queryset.order_by().values("pk").explain()
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's covering index")
def test_the_indexes_serve_the_common_filters_on_postgresql(tree, crowd, national_admin):
    pensioners = Segment.objects.create(
        unit=tree.district, name="p", categories=[CitizenCategory.PENSIONER]
    )
    plan = _plan(selectors.segment_people(national_admin, pensioners, today=TODAY))
    # The unit and the birth-date range are the index's condition; sex, village and id are
    # read from it, not from the table.
    assert "Index Only Scan using person_unit_born" in plan, plan
    assert "birth_date <=" in plan.split("person_unit_born", 1)[1].split("\n")[1], plan

    members = Segment.objects.create(unit=tree.district, name="m", membership=Membership.MEMBERS)
    plan = _plan(selectors.segment_people(national_admin, members, today=TODAY))
    # "A member now" is answered by the partial index alone (the person's side depends on
    # the table's size: at national scale it is person_unit_born too).
    assert "Index Only Scan using membership_active_person" in plan, plan
