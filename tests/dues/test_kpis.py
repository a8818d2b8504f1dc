import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pervichka.core.kpis import REGISTRY, Period, compute
from pervichka.dues import services
from tests.factories import MembershipFactory


@pytest.fixture
def two_members(tree, rates):
    """Primary A: one member pays Jan–Jun 2026, the other nothing; both joined in January."""
    payer = MembershipFactory(primary=tree.primary_a, joined=dt.date(2026, 1, 1))
    MembershipFactory(primary=tree.primary_a, joined=dt.date(2026, 1, 1))
    return payer


def test_dues_kpis_are_registered():
    assert {"collection_rate", "arrears_share", "fund_spent_share"} <= set(REGISTRY)
    assert REGISTRY["arrears_share"].higher_is_better is False


def test_collection_rate_per_primary_and_district(tree, two_members, pay):
    pay(two_members, [1, 2, 3, 4, 5, 6])
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    rates = compute(
        "collection_rate", [tree.primary_a.pk, tree.primary_b.pk, tree.district.pk], period
    )
    assert rates[tree.primary_a.pk] == pytest.approx(6 / 12)
    assert tree.primary_b.pk not in rates  # nobody owes: no data, not a 0% collected
    assert rates[tree.district.pk] == pytest.approx(6 / 12)


def test_arrears_share(tree, two_members, pay):
    pay(two_members, [1, 2, 3, 4, 5])
    june = Period.month(2026, 6)
    assert compute("arrears_share", [tree.primary_a.pk], june)[tree.primary_a.pk] == 0.5
    assert (
        compute("arrears_share", [tree.primary_a.pk], Period.month(2026, 8))[tree.primary_a.pk]
        == 1.0
    )


def test_fund_spent_share(tree, two_members, pay, chair_a, district_admin):
    pay(two_members, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])  # 1000 returned
    request = services.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("250"), purpose="x"
    )
    services.spending_approve(actor=district_admin, request=request)
    # The spending is dated today: the period runs from January to today.
    period = Period(dt.date(2026, 1, 1), max(dt.date(2026, 12, 31), timezone.localdate()))
    share = compute("fund_spent_share", [tree.primary_a.pk], period)
    assert share[tree.primary_a.pk] == pytest.approx(0.25)
