"""The posting rules of the dues ledger, as pure functions of amounts.

The services post through them under row locks; the demo and scale generators write the
same rows in bulk through them, so the generated ledger cannot drift from the real one.
"""

from __future__ import annotations

from decimal import Decimal

from pervichka.core import tree
from pervichka.core.money import money, share_of
from pervichka.dues.enums import AccountKind

# What a district returns to a primary's project fund when it has set no share of its own.
DEFAULT_SHARE = Decimal("0.200")

# Which level of the tree holds each kind of account: the district keeps the cash and the
# dues collected, every primary its project fund.
ACCOUNT_HOLDER: dict[str, str] = {
    AccountKind.CASH: tree.DISTRICT,
    AccountKind.DUES: tree.DISTRICT,
    AccountKind.FUND: tree.PRIMARY,
}

Lines = list[tuple[str, Decimal]]


def _nonzero(lines: Lines) -> Lines:
    return [(kind, money(amount)) for kind, amount in lines if money(amount) != 0]


def payment_entries(total: Decimal, share: Decimal) -> Lines:
    """A member's payment of `total`: the district's cash receives it and its dues account
    is credited with it; the return share (`share` of it, in whole tiyn) moves from the
    district's dues to the primary's project fund. (account kind, amount) lines, debits
    positive; they sum to zero."""
    returned = share_of(total, share)
    return _nonzero(
        [
            (AccountKind.CASH, total),
            (AccountKind.DUES, -total),
            (AccountKind.DUES, returned),
            (AccountKind.FUND, -returned),
        ]
    )


def spending_entries(amount: Decimal) -> Lines:
    """A paid spending: the primary's fund is debited, the district's cash pays it out."""
    return _nonzero([(AccountKind.FUND, amount), (AccountKind.CASH, -amount)])
