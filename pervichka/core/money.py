"""Money: Decimal tenge with two places, rounded half up as bookkeepers do."""

from decimal import ROUND_HALF_UP, Decimal

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
