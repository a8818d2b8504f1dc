"""Twelve months of dues in the demo district: the rates start with the first of them; most
members are paid up (by the month or by the quarter), some are one to four months behind; a
few spendings from the project funds.

Written in bulk (thousands of payments) with the posting rules of the services
(dues.ledger.payment_entries); balances are set from the sums.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from pervichka.core import tree
from pervichka.dues import services
from pervichka.dues.enums import PaymentMethod, TransactionKind
from pervichka.dues.ledger import ACCOUNT_HOLDER, DEFAULT_SHARE, payment_entries
from pervichka.dues.models import (
    Account,
    DuesRate,
    Entry,
    PaidMonth,
    Payment,
    ReturnShare,
    Transaction,
)
from pervichka.people.enums import DuesCategory
from pervichka.people.models import Membership

MONTHS = 15  # of payments, the current one included: the four closed quarters the rating shows
RATES = {
    DuesCategory.WORKING: Decimal("500.00"),
    DuesCategory.PENSIONER: Decimal("200.00"),
    DuesCategory.STUDENT: Decimal("100.00"),
}
SPENDINGS = [
    ("Саженцы берёз и тополей для акции «ТазаLike»", "tazalike", Decimal("18000.00")),
    ("Футбольный турнир среди сельской молодёжи: мячи и призы", "orleu", Decimal("12500.00")),
    ("Новогодние подарки детям из многодетных семей", "socium", Decimal("9000.00")),
]


def seed(ctx: dict) -> None:
    district = ctx["district"]
    today = timezone.localdate()
    # The rates start with the first month the demo's payments cover: an earlier start
    # would leave every member owing the months before it, which nobody paid.
    start = services.add_month(today.replace(day=1), -(MONTHS - 1))
    if not DuesRate.objects.filter(district=district).exists():
        for category, amount in RATES.items():
            DuesRate.objects.create(
                district=district, category=category, amount=amount, valid_from=start
            )
        DuesRate.objects.create(
            district=district,
            category=DuesCategory.UNEMPLOYED,
            amount=0,
            exempt=True,
            valid_from=start,
        )
        ReturnShare.objects.create(district=district, share=DEFAULT_SHARE, valid_from=start)
    if Payment.objects.filter(primary__in=ctx["primaries"]).exists():
        return
    rng = random.Random(4004)
    _set_categories(ctx, rng, today)
    rates = services.Rates(district)
    current = today.replace(day=1)
    recorders = {
        ctx["primaries"][0].pk: ctx["users"]["chair"],
        ctx["primaries"][3].pk: ctx["users"]["chair2"],
    }
    planned = []  # (membership, months, paid_on)
    # Those who left paid while they were members: months_owed stops at leaving.
    for membership in Membership.objects.filter(primary__in=ctx["primaries"]).select_related(
        "primary", "person"
    ):
        owed = services.months_owed(membership, rates, until=today)
        if not owed:
            continue
        before = [m for m in owed if m < current]
        behind = rng.choice((1, 1, 2, 2, 3, 4)) if rng.random() < 0.25 else 0
        paying = before[: max(0, len(before) - behind)]
        if not behind and rng.random() < 0.7:
            paying += [m for m in owed if m >= current]  # many pay the current month later
        size = rng.choice((1, 3, 3, 3))  # by the month or by the quarter
        for months in (paying[i : i + size] for i in range(0, len(paying), size)):
            last_day = min(today, services.add_month(months[-1]) - dt.timedelta(days=1))
            paid_on = min(today, months[0] + dt.timedelta(days=rng.randrange(0, 40)))
            planned.append((membership, months, min(paid_on, last_day)))
    _write(planned, rates, district, recorders, ctx["users"]["admin"])
    _spend(ctx, rng)


def _set_categories(ctx, rng: random.Random, today: dt.date) -> None:
    members = list(Membership.objects.filter(primary__in=ctx["primaries"]).select_related("person"))
    for m in members:
        age = (today - m.person.birth_date).days // 365 if m.person.birth_date else 40
        if age >= 63:
            m.dues_category = DuesCategory.PENSIONER
        elif age <= 22:
            m.dues_category = DuesCategory.STUDENT
        elif rng.random() < 0.08:
            m.dues_category = DuesCategory.UNEMPLOYED
    Membership.objects.bulk_update(members, ["dues_category"], batch_size=500)


def _write(planned, rates, district, recorders, admin) -> None:
    accounts: dict[tuple[int, str], Account] = {}

    def account(unit, kind: str) -> Account:
        if (unit.pk, kind) not in accounts:
            accounts[(unit.pk, kind)] = services.account_for(unit, kind)
        return accounts[(unit.pk, kind)]

    transactions, payments, month_rows, entries = [], [], [], []
    for number, (membership, months, paid_on) in enumerate(planned, start=1):
        amounts = [rates.amount_due(membership.dues_category, m) for m in months]
        total = sum(amounts, Decimal(0))
        holders = {tree.DISTRICT: district, tree.PRIMARY: membership.primary}
        lines = [
            (account(holders[ACCOUNT_HOLDER[kind]], kind), amount)
            for kind, amount in payment_entries(total, rates.share(paid_on))
        ]
        txn = Transaction(
            kind=TransactionKind.PAYMENT,
            date=paid_on,
            memo=f"Взносы: {membership.person.full_name}, "
            + ", ".join(m.strftime("%m.%Y") for m in months),
            created_by=recorders.get(membership.primary_id, admin),
        )
        transactions.append((txn, membership, months, amounts, total, lines, paid_on, number))
    Transaction.objects.bulk_create([t[0] for t in transactions], batch_size=1000)
    for txn, membership, _months, _amounts, total, lines, paid_on, number in transactions:
        entries.extend(
            Entry(transaction=txn, account=acc, amount=amount, date=paid_on)
            for acc, amount in lines
        )
        bank = number % 4 == 0
        payments.append(
            Payment(
                membership=membership,
                primary_id=membership.primary_id,
                amount=total,
                method=PaymentMethod.BANK if bank else PaymentMethod.CASH,
                receipt_number="" if bank else f"КВ-{number:06d}",
                bank_reference=f"KASPI{paid_on:%Y%m%d}{number:06d}" if bank else None,
                paid_on=paid_on,
                transaction=txn,
                recorded_by=txn.created_by,
            )
        )
    Entry.objects.bulk_create(entries, batch_size=2000)
    Payment.objects.bulk_create(payments, batch_size=1000)
    by_txn = {p.transaction_id: p for p in payments}
    for txn, membership, months, amounts, *_rest in transactions:
        payment = by_txn[txn.pk]
        month_rows.extend(
            PaidMonth(
                payment=payment,
                membership=membership,
                primary_id=membership.primary_id,
                month=m,
                amount=a,
            )
            for m, a in zip(months, amounts, strict=True)
        )
    PaidMonth.objects.bulk_create(month_rows, batch_size=2000)
    _recompute_balances()


def _recompute_balances() -> None:
    sums = defaultdict(Decimal)
    for row in Entry.objects.values("account_id").annotate(total=Sum("amount")):
        sums[row["account_id"]] = row["total"]
    for account in Account.objects.all():
        Account.objects.filter(pk=account.pk).update(balance=sums[account.pk])


def _spend(ctx, rng: random.Random) -> None:
    admin = ctx["users"]["admin"]
    chair = ctx["users"]["chair"]
    for index, (purpose, project, amount) in enumerate(SPENDINGS):
        primary = ctx["primaries"][index * 4]
        request = services.spending_request(
            actor=admin, primary=primary, amount=amount, purpose=purpose, project_ref=project
        )
        if index < 2:
            services.spending_approve(
                actor=admin, request=request, reason="Соответствует плану проектов"
            )
    services.spending_request(
        actor=chair,
        primary=ctx["primaries"][0],
        amount=Decimal("5000.00"),
        purpose="Краска и кисти для субботника у школы",
        project_ref="ТазаLike",
    )
    refused = services.spending_request(
        actor=admin,
        primary=ctx["primaries"][5],
        amount=Decimal("250000.00"),
        purpose="Ремонт здания клуба",
        project_ref="Социум",
    )
    services.spending_refuse(
        actor=admin, request=refused, reason="Сумма больше средств фонда; ремонт — за счёт акимата"
    )
