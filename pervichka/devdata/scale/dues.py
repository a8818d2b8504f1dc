"""A year of dues at national scale: rates and the default share per district, the ledger's
accounts, and quarterly payments (about twelve paid months per member), written with COPY
under the posting rules of the services (dues.ledger); balances are summed from the entries."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from pervichka.core import tree
from pervichka.devdata.scale.base import Progress, ScaleContext, copy_rows, next_id, reset_sequence
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
from pervichka.dues.services import add_month

RATES = {"working": Decimal("500.00"), "pensioner": Decimal("200.00"), "student": Decimal("100.00")}


def generate(ctx: ScaleContext) -> None:
    rng = random.Random(ctx.seed + 4)
    today = timezone.localdate()
    first_month = add_month(today.replace(day=1), -(ctx.months - 1))
    valid_from = dt.date(first_month.year - 1, 1, 1)
    districts = ctx.made["districts"]
    primaries = ctx.made["primaries"]
    rate_rows, share_rows, accounts = [], [], []
    rate_id, share_id, account_id = next_id(DuesRate), next_id(ReturnShare), next_id(Account)
    account_of: dict[tuple[int, str], int] = {}  # (unit, kind) → account

    def open_accounts(unit_id: int, level: str) -> None:
        nonlocal account_id
        for kind, holder in ACCOUNT_HOLDER.items():
            if holder == level:
                accounts.append((account_id, unit_id, kind, Decimal(0)))
                account_of[(unit_id, kind)] = account_id
                account_id += 1

    for district_id, _path in districts:
        for category, amount in RATES.items():
            rate_rows.append((rate_id, district_id, category, amount, False, valid_from, None))
            rate_id += 1
        rate_rows.append((rate_id, district_id, "unemployed", Decimal(0), True, valid_from, None))
        rate_id += 1
        share_rows.append((share_id, district_id, DEFAULT_SHARE, valid_from))
        share_id += 1
        open_accounts(district_id, tree.DISTRICT)
    district_of_primary = {}
    district_by_path = {path: pk for pk, path in districts}
    for primary_id, path, _settlement in primaries:
        open_accounts(primary_id, tree.PRIMARY)
        district_of_primary[primary_id] = district_by_path[tree.district_path(path)]
    copy_rows(
        DuesRate,
        ["id", "district_id", "category", "amount", "exempt", "valid_from", "created_by_id"],
        rate_rows,
    )
    copy_rows(ReturnShare, ["id", "district_id", "share", "valid_from"], share_rows)
    copy_rows(Account, ["id", "unit_id", "kind", "balance"], accounts)

    months = [add_month(first_month, i) for i in range(ctx.months)]
    quarters = [months[i : i + 3] for i in range(0, len(months), 3)]
    txn_id, entry_id = next_id(Transaction), next_id(Entry)
    payment_id, month_id = next_id(Payment), next_id(PaidMonth)
    transactions, entries, payments, paid = [], [], [], []
    now = timezone.now()
    for membership_id, _person_id, primary_id, joined, category in ctx.made["memberships"]:
        amount = RATES.get(category)
        if amount is None:
            continue
        habit = rng.random()
        if habit < 0.04:
            continue
        for quarter in quarters:
            owed = [m for m in quarter if m >= joined.replace(day=1)]
            if not owed or (habit < 0.12 and rng.random() < 0.5):
                continue
            paid_on = min(today, owed[0] + dt.timedelta(days=rng.randrange(0, 45)))
            total = amount * len(owed)
            holders = {tree.DISTRICT: district_of_primary[primary_id], tree.PRIMARY: primary_id}
            transactions.append((txn_id, "payment", paid_on, "Взносы", None, None, now))
            for kind, value in payment_entries(total, DEFAULT_SHARE):
                account = account_of[(holders[ACCOUNT_HOLDER[kind]], kind)]
                entries.append((entry_id, txn_id, account, value, paid_on))
                entry_id += 1
            payments.append(
                (
                    payment_id,
                    membership_id,
                    primary_id,
                    total,
                    "cash",
                    f"Q{payment_id}",
                    None,
                    paid_on,
                    txn_id,
                    False,
                    None,
                    None,
                    now,
                )
            )
            for month in owed:
                paid.append((month_id, payment_id, membership_id, primary_id, month, amount, False))
                month_id += 1
            payment_id += 1
            txn_id += 1
    progress = Progress(
        "dues ledger", len(transactions) + len(entries) + len(payments) + len(paid), quiet=ctx.quiet
    )
    copy_rows(
        Transaction,
        ["id", "kind", "date", "memo", "reverses_id", "created_by_id", "created_at"],
        transactions,
        progress,
    )
    del transactions
    copy_rows(Entry, ["id", "transaction_id", "account_id", "amount", "date"], entries, progress)
    del entries
    copy_rows(
        Payment,
        [
            "id",
            "membership_id",
            "primary_id",
            "amount",
            "method",
            "receipt_number",
            "bank_reference",
            "paid_on",
            "transaction_id",
            "is_reversed",
            "idempotency_key",
            "recorded_by_id",
            "recorded_at",
        ],
        payments,
        progress,
    )
    ctx.made["payments"] = len(payments)
    del payments
    copy_rows(
        PaidMonth,
        ["id", "payment_id", "membership_id", "primary_id", "month", "amount", "is_reversed"],
        paid,
        progress,
    )
    ctx.made["paid_months"] = len(paid)
    del paid
    progress.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dues_account a SET balance = s.total FROM "
            "(SELECT account_id, SUM(amount) AS total FROM dues_entry GROUP BY account_id) s "
            "WHERE a.id = s.account_id"
        )
    for model in (DuesRate, ReturnShare, Account, Transaction, Entry, Payment, PaidMonth):
        reset_sequence(model)
