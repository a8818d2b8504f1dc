"""The posting rules as pure functions: the services and the generators post through them."""

from decimal import Decimal

import pytest

from pervichka.dues.enums import AccountKind
from pervichka.dues.ledger import ACCOUNT_HOLDER, payment_entries, spending_entries


def test_a_payment_returns_its_share_to_the_fund():
    assert payment_entries(Decimal("1500.00"), Decimal("0.2")) == [
        (AccountKind.CASH, Decimal("1500.00")),
        (AccountKind.DUES, Decimal("-1500.00")),
        (AccountKind.DUES, Decimal("300.00")),
        (AccountKind.FUND, Decimal("-300.00")),
    ]


@pytest.mark.parametrize(
    ("total", "share"),
    [("500", "0.2"), ("333.33", "0.175"), ("0.01", "0.5"), ("100", "0"), ("100", "1")],
)
def test_every_posting_balances(total, share):
    lines = payment_entries(Decimal(total), Decimal(share))
    assert sum(amount for _kind, amount in lines) == 0
    assert all(amount != 0 for _kind, amount in lines)


def test_without_a_share_nothing_reaches_the_fund():
    lines = payment_entries(Decimal("100"), Decimal("0"))
    assert AccountKind.FUND not in {kind for kind, _amount in lines}


def test_a_spending_pays_from_the_fund_through_the_district_cash():
    assert spending_entries(Decimal("250.50")) == [
        (AccountKind.FUND, Decimal("250.50")),
        (AccountKind.CASH, Decimal("-250.50")),
    ]


def test_every_kind_of_account_has_a_holder():
    assert set(ACCOUNT_HOLDER) == set(AccountKind.values)


def test_a_recorded_payment_posts_the_ledger_rule(tree, payer, pay):
    payment = pay(payer, [1, 2, 3])
    posted = sorted(
        (entry.account.kind, entry.account.unit, entry.amount)
        for entry in payment.transaction.entries.select_related("account__unit")
    )
    holders = {"district": tree.district, "primary": tree.primary_a}
    expected = sorted(
        (kind, holders[ACCOUNT_HOLDER[kind]], amount)
        for kind, amount in payment_entries(Decimal("1500.00"), Decimal("0.2"))
    )
    assert posted == expected
