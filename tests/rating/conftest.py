"""A district with two primaries of different sizes, a chair with a phone for each, and a
closed quarter (the one before last: closed whatever the day the tests run)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pervichka.dues.models import DuesRate
from pervichka.orgs.services import position_assign
from pervichka.rating.services import period_ensure
from tests.factories import MembershipFactory


def quarter_before_last() -> dt.date:
    today = timezone.localdate()
    q = (today.month - 1) // 3 - 2
    year = today.year + (q // 4)
    return dt.date(year, (q % 4) * 3 + 1, 1)


@pytest.fixture
def quarter(db):
    return period_ensure(kind="quarter", start=quarter_before_last())


def district_dues(district) -> None:
    """Every district has its dues: without them nothing is owed, and the work inside the
    party has no data to be rated on."""
    for category, amount in (("working", "500"), ("pensioner", "200"), ("student", "100")):
        DuesRate.objects.create(
            district=district, category=category, amount=Decimal(amount),
            valid_from=dt.date(2019, 1, 1),
        )  # fmt: skip


@pytest.fixture
def members(tree, district_admin):
    district_dues(tree.district)
    a = [MembershipFactory(primary=tree.primary_a) for _ in range(10)]
    b = [MembershipFactory(primary=tree.primary_b) for _ in range(4)]
    for member, unit in ((a[0], tree.primary_a), (b[0], tree.primary_b)):
        member.person.phone = "+7701000000" + str(unit.pk % 10)
        member.person.save()
        position_assign(
            actor=district_admin, org_unit=unit, person=member.person, kind="chair",
            start=dt.date(2020, 1, 1),
        )  # fmt: skip
    return a, b
