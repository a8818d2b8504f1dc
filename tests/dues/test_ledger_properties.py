"""Random sequences of payments, reversals and spendings: every transaction balances, every
balance is the sum of its entries, no fund ever holds less than nothing, no month is paid
twice."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pervichka.dues import services
from pervichka.dues.models import Account, Entry, PaidMonth, Payment, SpendingRequest, Transaction
from tests.factories import MembershipFactory

pay = st.tuples(
    st.just("pay"), st.integers(0, 3), st.lists(st.integers(1, 12), min_size=1, max_size=4)
)
reverse = st.tuples(st.just("reverse"), st.integers(0, 50), st.just(None))
spend = st.tuples(
    st.just("spend"),
    st.integers(0, 1),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("900"), places=2),
)
refuse = st.tuples(st.just("refuse"), st.integers(0, 50), st.just(None))
undo_spending = st.tuples(st.just("undo"), st.integers(0, 50), st.just(None))
operations = st.lists(
    st.one_of(pay, reverse, spend, refuse, undo_spending), min_size=1, max_size=25
)


class Rollback(Exception):
    pass


def check_invariants():
    unbalanced = Entry.objects.values("transaction_id").annotate(s=Sum("amount")).exclude(s=0)
    assert not unbalanced.exists()
    for account in Account.objects.all():
        total = account.entries.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        # SQLite sums decimals as floats (-9.91999999999999 for -9.92): compare in kopecks.
        assert account.balance == total.quantize(Decimal("0.01"))
        if account.kind == "fund":
            assert account.balance <= 0, f"{account} holds {-account.balance}"
    doubled = (
        PaidMonth.objects.filter(is_reversed=False)
        .values("membership_id", "month")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not doubled.exists()
    for payment in Payment.objects.all():
        months = payment.months.aggregate(s=Sum("amount"))["s"]
        assert months == payment.amount
    assert (
        Transaction.objects.filter(reverses__isnull=False).count()
        == Transaction.objects.filter(reversed_by__isnull=False).count()
    )


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_random_ledger_sequences_keep_the_invariants(
    tree, rates, chair_a, chair_b, district_admin, ops
):
    try:
        with transaction.atomic():
            members = [
                MembershipFactory(
                    primary=tree.primary_a if i < 2 else tree.primary_b,
                    joined=dt.date(2026, 1, 1),
                    dues_category="working" if i % 2 == 0 else "pensioner",
                )
                for i in range(4)
            ]
            primaries = [tree.primary_a, tree.primary_b]
            chairs = {tree.primary_a.pk: chair_a, tree.primary_b.pk: chair_b}
            for counter, (op, index, arg) in enumerate(ops, start=1):
                try:
                    if op == "pay":
                        member = members[index]
                        services.payment_record(
                            actor=chairs[member.primary_id],
                            membership=member,
                            data=services.PaymentInput(
                                months=[dt.date(2026, m, 1) for m in arg],
                                method="cash",
                                paid_on=dt.date(2026, 11, 1),
                                receipt_number=f"R{counter}",
                            ),
                        )
                    elif op == "reverse":
                        payments = list(Payment.objects.order_by("pk"))
                        if payments:
                            payment = payments[index % len(payments)]
                            services.payment_reverse(
                                actor=district_admin, payment=payment, reason="ошибка"
                            )
                    elif op == "spend":
                        primary = primaries[index]
                        request = services.spending_request(
                            actor=chairs[primary.pk], primary=primary, amount=arg, purpose="x"
                        )
                        services.spending_approve(actor=district_admin, request=request)
                    elif op in ("refuse", "undo"):
                        requests = list(SpendingRequest.objects.order_by("pk"))
                        if requests:
                            request = requests[index % len(requests)]
                            if op == "refuse":
                                services.spending_refuse(
                                    actor=district_admin, request=request, reason="нет"
                                )
                            else:
                                services.spending_reverse(
                                    actor=district_admin, request=request, reason="возврат"
                                )
                except ValidationError:
                    pass  # a refused operation must leave everything as it was
                check_invariants()
            raise Rollback
    except Rollback:
        pass
