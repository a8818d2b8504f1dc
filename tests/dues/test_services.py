import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404

from pervichka.dues import services
from pervichka.dues.models import Account, Entry, PaidMonth, Payment, Transaction
from tests.dues.conftest import fund, months
from tests.factories import MembershipFactory


def test_a_payment_credits_the_district_and_returns_20_percent_to_the_fund(tree, payer, pay):
    payment = pay(payer, [1, 2, 3])
    assert payment.amount == Decimal("1500.00")
    entries = {
        (e.account.kind, e.account.unit_id): e.amount
        for e in Entry.objects.select_related("account").filter(
            transaction=payment.transaction, amount__gt=0
        )
    }
    lines = list(payment.transaction.entries.values_list("account__kind", "amount"))
    assert sorted(lines) == sorted(
        [
            ("cash", Decimal("1500.00")),
            ("dues", Decimal("-1500.00")),
            ("dues", Decimal("300.00")),
            ("fund", Decimal("-300.00")),
        ]
    )
    assert entries[("cash", tree.district.pk)] == Decimal("1500.00")
    assert fund(tree.primary_a) == Decimal("300.00")
    assert sum(amount for _kind, amount in lines) == 0


def test_each_category_pays_its_rate_and_the_unemployed_are_exempt(tree, rates, pay):
    pensioner = MembershipFactory(
        primary=tree.primary_a, joined=dt.date(2026, 1, 1), dues_category="pensioner"
    )
    unemployed = MembershipFactory(
        primary=tree.primary_a, joined=dt.date(2026, 1, 1), dues_category="unemployed"
    )
    assert pay(pensioner, [1, 2]).amount == Decimal("400.00")
    with pytest.raises(ValidationError) as exc:
        pay(unemployed, [1])
    assert "months" in exc.value.message_dict


def test_a_new_rate_applies_from_its_date_only(tree, rates, payer, pay, district_admin):
    services.rate_set(
        actor=district_admin,
        district=tree.district,
        category="working",
        amount=Decimal("600"),
        valid_from=dt.date(2026, 7, 1),
    )
    assert pay(payer, [6, 7], receipt="A").amount == Decimal("1100.00")


def test_a_month_is_paid_once(tree, payer, pay):
    pay(payer, [1, 2])
    with pytest.raises(ValidationError) as exc:
        pay(payer, [2, 3], receipt="КВ-2")
    assert "02.2026" in exc.value.message_dict["months"][0]
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"month_numbers": [12], "year": 2025}, "months"),  # before joining
        ({"month_numbers": [1], "receipt": ""}, "receipt_number"),
        ({"month_numbers": [1], "method": "bank", "receipt": ""}, "bank_reference"),
        ({"month_numbers": [1], "paid_on": dt.date(2999, 1, 1)}, "paid_on"),
        ({"month_numbers": [], "receipt": "x"}, "months"),
    ],
)
def test_bad_payments_are_refused_with_the_field_named(tree, payer, pay, changes, field):
    month_numbers = changes.pop("month_numbers")
    with pytest.raises(ValidationError) as exc:
        pay(payer, month_numbers, **changes)
    assert field in exc.value.message_dict
    assert not Transaction.objects.exists()


def test_the_same_idempotency_key_records_one_payment(tree, payer, pay):
    first = pay(payer, [1], key="k-123456")
    again = pay(payer, [1], key="k-123456")
    assert first.pk == again.pk
    assert Payment.objects.count() == 1
    assert fund(tree.primary_a) == Decimal("100.00")


def test_a_reversal_makes_the_months_owed_again(tree, payer, pay, chair_a):
    payment = pay(payer, [1, 2])
    services.payment_reverse(actor=chair_a, payment=payment, reason="записан не тот член")
    assert fund(tree.primary_a) == Decimal("0.00")
    assert Transaction.objects.filter(reverses=payment.transaction).exists()
    assert Entry.objects.aggregate(s=Sum("amount"))["s"] == 0
    assert not PaidMonth.objects.filter(is_reversed=False).exists()
    pay(payer, [1, 2], receipt="КВ-2")  # paid again, properly
    with pytest.raises(ValidationError):
        services.payment_reverse(actor=chair_a, payment=payment, reason="дважды")


def test_a_reversal_cannot_take_back_what_the_fund_already_spent(
    tree, payer, pay, chair_a, district_admin
):
    payment = pay(payer, [1, 2, 3, 4])  # 400 returned
    request = services.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("350"), purpose="Саженцы"
    )
    services.spending_approve(actor=district_admin, request=request)
    with pytest.raises(ValidationError) as exc:
        services.payment_reverse(actor=chair_a, payment=payment, reason="ошибка")
    assert exc.value.code == "fund_insufficient"
    assert fund(tree.primary_a) == Decimal("50.00")


def test_spending_needs_approval_and_cannot_overdraw(tree, payer, pay, chair_a, district_admin):
    pay(payer, [1, 2, 3, 4, 5])  # 500 in the fund
    big = services.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("600"), purpose="Инвентарь"
    )
    assert fund(tree.primary_a) == Decimal("500.00")  # a request alone moves no money
    with pytest.raises(ValidationError) as exc:
        services.spending_approve(actor=district_admin, request=big)
    assert "500,00" in exc.value.messages[0]
    small = services.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("500"), purpose="Саженцы"
    )
    services.spending_approve(actor=district_admin, request=small)
    assert fund(tree.primary_a) == Decimal("0.00")
    with pytest.raises(ValidationError):
        services.spending_approve(actor=district_admin, request=small)


def test_only_the_district_approves_and_a_refusal_needs_a_reason(
    tree, payer, pay, chair_a, district_admin
):
    pay(payer, [1, 2])
    request = services.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("100"), purpose="Краска"
    )
    with pytest.raises(Http404):
        services.spending_approve(actor=chair_a, request=request)
    with pytest.raises(ValidationError):
        services.spending_refuse(actor=district_admin, request=request, reason="")
    services.spending_refuse(actor=district_admin, request=request, reason="Не по проекту")
    request.refresh_from_db()
    assert (request.status, request.decision_reason) == ("refused", "Не по проекту")


def test_a_chair_of_another_primary_can_neither_record_nor_reverse(tree, payer, pay, chair_b):
    with pytest.raises(Http404):
        pay(payer, [1], actor=chair_b)
    payment = pay(payer, [1])
    with pytest.raises(Http404):
        services.payment_reverse(actor=chair_b, payment=payment, reason="x")
    with pytest.raises(Http404):
        services.spending_request(
            actor=chair_b, primary=tree.primary_a, amount=Decimal("1"), purpose="x"
        )


def test_balances_equal_the_sum_of_their_entries(tree, payer, pay, chair_a, district_admin):
    pay(payer, [1, 2, 3])
    pay(payer, [4], receipt="2")
    request = services.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("123.45"), purpose="x"
    )
    services.spending_approve(actor=district_admin, request=request)
    for account in Account.objects.all():
        total = account.entries.aggregate(s=Sum("amount"))["s"] or 0
        assert account.balance == total, account
    assert fund(tree.primary_a) == Decimal("400.00") - Decimal("123.45")
    assert months(1)[0] == dt.date(2026, 1, 1)


def test_the_ledger_is_written_in_one_language_whoever_records(tree, payer, pay):
    """A chair working in Kazakh records a payment: the memo in the fund statement is in the
    installation's language, like every other line of it."""
    from django.utils import translation

    with translation.override("kk"):
        payment = pay(payer, [1], receipt="КВ-50")
    assert payment.transaction.memo.startswith("Членские взносы за 01.2026")
