"""Two administrators approve two spendings at the same moment against a fund that can pay
only one: each approval runs in its own thread with its own database connection (a real
second session on PostgreSQL), and the fund's row lock lets exactly one through."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pervichka.dues import services
from pervichka.dues.models import SpendingRequest
from tests.dues.conftest import fund


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_cannot_overspend(
    tree, rates, payer, pay, chair_a, district_admin, other_admin
):
    pay(payer, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])  # 1000 ₸ in primary A's fund
    first = services.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("700"), purpose="Саженцы"
    )
    second = services.spending_request(
        actor=chair_a, primary=tree.primary_a, amount=Decimal("600"), purpose="Мячи"
    )
    barrier = threading.Barrier(2)
    outcomes = {}

    def approve(request):
        try:
            barrier.wait(timeout=10)
            services.spending_approve(
                actor=district_admin, request=SpendingRequest.objects.get(pk=request.pk)
            )
            outcomes[request.pk] = "approved"
        except ValidationError as exc:
            outcomes[request.pk] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["approved", "fund_insufficient"]
    approved = SpendingRequest.objects.get(status="approved")
    assert fund(tree.primary_a) == Decimal("1000.00") - approved.amount
    assert fund(tree.primary_a) >= 0
