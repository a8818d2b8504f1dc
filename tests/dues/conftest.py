import datetime as dt
from decimal import Decimal

import pytest

from pervichka.dues import services
from pervichka.dues.models import DuesRate, ReturnShare
from tests.factories import MembershipFactory

FROM = dt.date(2025, 1, 1)


@pytest.fixture
def rates(tree):
    """The district's dues: 500 ₸ working, 200 pensioner, 100 student, unemployed exempt;
    20% returns to the primary's fund."""
    for category, amount in (("working", "500"), ("pensioner", "200"), ("student", "100")):
        DuesRate.objects.create(
            district=tree.district, category=category, amount=Decimal(amount), valid_from=FROM
        )
    DuesRate.objects.create(
        district=tree.district, category="unemployed", amount=0, exempt=True, valid_from=FROM
    )
    ReturnShare.objects.create(district=tree.district, share=Decimal("0.2"), valid_from=FROM)


@pytest.fixture
def payer(tree, rates):
    """A working member of primary A since January 2026."""
    return MembershipFactory(
        primary=tree.primary_a,
        joined=dt.date(2026, 1, 10),
        person__surname="Плательщиков",
        person__name="Иван",
        person__patronymic="",
    )


def months(*numbers, year=2026):
    return [dt.date(year, n, 1) for n in numbers]


@pytest.fixture
def pay(chair_a):
    def _pay(
        membership,
        month_numbers,
        *,
        actor=None,
        key=None,
        year=2026,
        method="cash",
        receipt="КВ-1",
        reference="",
        paid_on=dt.date(2026, 11, 2),
    ):
        return services.payment_record(
            actor=actor or chair_a,
            membership=membership,
            idempotency_key=key,
            data=services.PaymentInput(
                months=months(*month_numbers, year=year),
                method=method,
                paid_on=paid_on,
                receipt_number=receipt,
                bank_reference=reference,
            ),
        )

    return _pay


def fund(unit) -> Decimal:
    from pervichka.dues.selectors import fund_balance

    return fund_balance(unit)
