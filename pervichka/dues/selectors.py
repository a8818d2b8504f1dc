"""Reads of dues: member cards, a primary's month, the district's table, fund statements.

Per-primary figures are computed with a few grouped queries (one per month at most), never
a query per member, so the same code serves a district and a region (DESIGN.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Greatest, Least
from django.utils import timezone

from pervichka.core import tree
from pervichka.core.kpis import Period
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.dues.enums import AccountKind, SpendingStatus, TransactionKind
from pervichka.dues.models import (
    Account,
    DuesRate,
    Entry,
    PaidMonth,
    Payment,
    ReturnShare,
    SpendingRequest,
    StatementImport,
)
from pervichka.dues.services import Rates, add_month, dues_district, month_start
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import districts_for, primaries_for
from pervichka.people.models import Membership


def payments_visible(user, *, perm: Perm = Perm.DUES_VIEW) -> QuerySet[Payment]:
    return Payment.objects.visible_to(user, perm)


def payment_with_key_exists(idempotency_key: str) -> bool:
    """Has a payment been recorded under this idempotency key (by anyone: the key is the
    client's, and a retry must learn that its first attempt went through)?"""
    return Payment.objects.filter(idempotency_key=idempotency_key).exists()


def spending_visible(user, *, perm: Perm = Perm.DUES_VIEW) -> QuerySet[SpendingRequest]:
    return SpendingRequest.objects.visible_to(user, perm).select_related("primary", "requested_by")


def primaries_in_tree_order(user, *, perm: Perm = Perm.DUES_VIEW) -> QuerySet[OrgUnit]:
    """The primaries where the user holds `perm`, in tree order (the district's table)."""
    return primaries_for(user, perm=perm).order_by("path")


def membership_for_dues(user, pk: object, *, perm: Perm = Perm.DUES_VIEW) -> Membership:
    return get_or_404(
        Membership.objects.visible_to(user, perm).select_related("person", "primary"), pk=pk
    )


def statement_imports_visible(user) -> QuerySet[StatementImport]:
    """The bank statements imported by the districts where the user records dues."""
    return StatementImport.objects.filter(district__in=districts_for(user, perm=Perm.DUES_RECORD))


def rates_of(district: OrgUnit) -> QuerySet[DuesRate]:
    return DuesRate.objects.filter(district=district)


def shares_of(district: OrgUnit) -> QuerySet[ReturnShare]:
    return ReturnShare.objects.filter(district=district)


def ledger_entries(
    user, *, unit_id: int | None = None, account_kind: str | None = None
) -> QuerySet[Entry]:
    """Ledger entries on the accounts of the units in the user's scope (of one unit, of one
    kind of account if asked)."""
    accounts = Account.objects.visible_to(user, Perm.DUES_VIEW)
    if unit_id:
        accounts = accounts.filter(unit_id=unit_id)
    if account_kind:
        accounts = accounts.filter(kind=account_kind)
    return Entry.objects.filter(account__in=accounts).select_related("transaction", "account")


def fund_balances(primaries: QuerySet[OrgUnit]) -> dict[int, Decimal]:
    """{primary: what its project fund holds} (a fund's balance is kept negative)."""
    return {
        unit_id: -balance
        for unit_id, balance in Account.objects.filter(
            unit__in=primaries, kind=AccountKind.FUND
        ).values_list("unit_id", "balance")
    }


# --- a member's card ---------------------------------------------------------------------


@dataclass
class MonthCell:
    month: dt.date
    state: str  # "paid" | "arrears" | "due" (current month, unpaid) | "exempt" | "none" | "ahead"
    amount: Decimal | None = None


@dataclass
class MemberCard:
    membership: Membership
    months: list[MonthCell]
    arrears_months: int
    arrears_amount: Decimal
    payments: list[Payment] = field(default_factory=list)


def member_card(
    membership: Membership, *, months: int = 12, today: dt.date | None = None
) -> MemberCard:
    """The last `months` months (and 3 ahead) of one member, and their arrears in total."""
    today = today or timezone.localdate()
    current = month_start(today)
    rates = Rates(dues_district(membership.primary))
    paid = set(
        PaidMonth.objects.filter(membership=membership, is_reversed=False).values_list(
            "month", flat=True
        )
    )
    first = month_start(membership.joined)
    last = month_start(membership.left) if membership.left else add_month(current, 3)
    cells = []
    for offset in range(-(months - 1), 4):
        month = add_month(current, offset)
        if month < first or month > last:
            cells.append(MonthCell(month, "none"))
            continue
        amount = rates.amount_due(membership.dues_category, month)
        if month in paid:
            state = "paid"
        elif amount is None:
            state = "exempt"
        elif month < current:
            state = "arrears"
        elif month == current:
            state = "due"
        else:
            state = "ahead"
        cells.append(MonthCell(month, state, amount))
    owed_before_now = [
        m
        for m in _months_between(first, min(add_month(current, -1), last))
        if m not in paid and rates.amount_due(membership.dues_category, m) is not None
    ]
    return MemberCard(
        membership=membership,
        months=cells,
        arrears_months=len(owed_before_now),
        arrears_amount=sum(
            (rates.amount_due(membership.dues_category, m) for m in owed_before_now), Decimal(0)
        ),
        payments=list(membership.payments.select_related("recorded_by").order_by("-paid_on")),
    )


def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    result, month = [], first
    while month <= last:
        result.append(month)
        month = add_month(month)
    return result


# --- a primary's month -------------------------------------------------------------------


@dataclass
class MemberMonthRow:
    membership: Membership
    amount_due: Decimal | None
    paid: bool
    arrears_months: int


def primary_month(primary: OrgUnit, month: dt.date) -> tuple[list[MemberMonthRow], float | None]:
    """Who paid for `month`, who did not, how many months each is behind, the rate."""
    month = month_start(month)
    rates = Rates(dues_district(primary))
    month_end = add_month(month) - dt.timedelta(days=1)
    members = list(
        Membership.objects.filter(primary=primary, joined__lte=month_end)
        .filter(Q(left__isnull=True) | Q(left__gte=month))
        .select_related("person")
        .order_by("person__surname", "person__name")
    )
    paid_rows = PaidMonth.objects.filter(
        membership__in=members, is_reversed=False, month__lte=month
    ).values_list("membership_id", "month")
    paid_by_member: dict[int, set[dt.date]] = defaultdict(set)
    for membership_id, paid_month in paid_rows:
        paid_by_member[membership_id].add(paid_month)
    rows, due, paid_count = [], 0, 0
    for m in members:
        amount = rates.amount_due(m.dues_category, month)
        paid = month in paid_by_member[m.pk]
        behind = sum(
            1
            for x in _months_between(month_start(m.joined), add_month(month, -1))
            if x not in paid_by_member[m.pk] and rates.amount_due(m.dues_category, x) is not None
        )
        if amount is not None:
            due += 1
            paid_count += paid
        rows.append(MemberMonthRow(m, amount, paid, behind))
    return rows, (paid_count / due if due else None)


# --- per-primary figures for many primaries at once --------------------------------------


def _month_index(expression):
    """Months since year 0 of a date expression: comparable on every database."""
    return ExtractYear(expression) * 12 + ExtractMonth(expression)


def collection_counts(primary_ids: list[int], period: Period) -> dict[int, tuple[int, int]]:
    """{primary: (member-months owed, member-months paid)} over the period's months.

    Owed: one grouped query sums, per primary and category, the months each member is in the
    organization during the period (month arithmetic in SQL); a category owes for a month
    by its district's rate then. Where a rate changes inside the period (rare), that
    category's months are counted one by one. Paid: one grouped query.
    """
    months = period.months()
    first, last = months[0], months[-1]
    first_index, last_index = first.year * 12 + first.month, last.year * 12 + last.month
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=primary_ids).only("path", "kind")}
    district_paths = {pk: tree.district_path(u.path) for pk, u in units.items()}
    districts = {d.path: d for d in OrgUnit.objects.filter(path__in=set(district_paths.values()))}
    rates = {path: Rates(d) for path, d in districts.items()}
    present = (
        Membership.objects.filter(
            primary_id__in=primary_ids, joined__lte=add_month(last) - dt.timedelta(days=1)
        )
        .filter(Q(left__isnull=True) | Q(left__gte=first))
        .annotate(
            start=Greatest(_month_index(F("joined")), Value(first_index)),
            stop=Least(Coalesce(_month_index(F("left")), Value(last_index)), Value(last_index)),
        )
        .values("primary_id", "dues_category")
        .annotate(member_months=Sum(F("stop") - F("start") + 1), members=Count("pk"))
    )
    owed: dict[int, int] = defaultdict(int)
    partial: dict[str, set[int]] = defaultdict(set)  # category → primaries to count by month
    for row in present:
        district_rates = rates.get(district_paths[row["primary_id"]])
        if district_rates is None:
            continue
        owing = [bool(district_rates.amount_due(row["dues_category"], m)) for m in months]
        if all(owing):
            owed[row["primary_id"]] += row["member_months"]
        elif any(owing):
            partial[row["dues_category"]].add(row["primary_id"])
    for category, ids in partial.items():
        for month in months:
            rows = (
                Membership.objects.filter(
                    primary_id__in=ids,
                    dues_category=category,
                    joined__lte=add_month(month) - dt.timedelta(days=1),
                )
                .filter(Q(left__isnull=True) | Q(left__gte=month))
                .values("primary_id")
                .annotate(n=Count("pk"))
            )
            for row in rows:
                if rates[district_paths[row["primary_id"]]].amount_due(category, month):
                    owed[row["primary_id"]] += row["n"]
    paid_rows = (
        PaidMonth.objects.filter(
            primary_id__in=primary_ids, is_reversed=False, month__gte=first, month__lte=last
        )
        .values("primary_id")
        .annotate(n=Count("pk"))
    )
    paid = {row["primary_id"]: row["n"] for row in paid_rows}
    return {pk: (owed.get(pk, 0), paid.get(pk, 0)) for pk in primary_ids}


def fund_flows(primary_ids: list[int], period: Period) -> dict[int, dict[str, Decimal]]:
    """Per primary: the fund at the period's start, returned into it, spent from it, and now.

    Sums of the ledger's entries on the fund accounts, grouped: a few queries in all.
    """
    accounts = dict(
        Account.objects.filter(unit_id__in=primary_ids, kind=AccountKind.FUND).values_list(
            "pk", "unit_id"
        )
    )
    result = {
        pk: {
            "opening": Decimal(0),
            "returned": Decimal(0),
            "spent": Decimal(0),
            "balance": Decimal(0),
        }
        for pk in primary_ids
    }
    if not accounts:
        return result
    before = (
        Entry.objects.filter(account_id__in=accounts, date__lt=period.start)
        .values("account_id")
        .annotate(total=Sum("amount"))
    )
    for row in before:
        result[accounts[row["account_id"]]]["opening"] = -row["total"]
    within = (
        Entry.objects.filter(account_id__in=accounts, date__gte=period.start, date__lte=period.end)
        .values("account_id", "transaction__kind", "transaction__reverses__kind")
        .annotate(total=Sum("amount"))
    )
    for row in within:
        figures = result[accounts[row["account_id"]]]
        # A reversal counts against what it reverses: a payment's return or a spending.
        kind = row["transaction__reverses__kind"] or row["transaction__kind"]
        if kind == TransactionKind.SPENDING:
            figures["spent"] += row["total"]
        else:
            figures["returned"] -= row["total"]
    for account in Account.objects.filter(pk__in=accounts):
        result[account.unit_id]["balance"] = -account.balance
    return result


def collected_amounts(primary_ids: list[int], period: Period) -> dict[int, Decimal]:
    rows = (
        Payment.objects.filter(
            primary_id__in=primary_ids,
            is_reversed=False,
            paid_on__gte=period.start,
            paid_on__lte=period.end,
        )
        .values("primary_id")
        .annotate(total=Sum("amount"))
    )
    totals = {row["primary_id"]: row["total"] for row in rows}
    return {pk: totals.get(pk, Decimal(0)) for pk in primary_ids}


@dataclass
class DistrictRow:
    primary: OrgUnit
    collected: Decimal
    returned: Decimal
    spent: Decimal
    balance: Decimal
    owed_months: int
    paid_months: int

    @property
    def collection_rate(self) -> float | None:
        return self.paid_months / self.owed_months if self.owed_months else None


def district_table(user, period: Period) -> list[DistrictRow]:
    primaries = list(primaries_in_tree_order(user))
    ids = [p.pk for p in primaries]
    counts = collection_counts(ids, period)
    flows = fund_flows(ids, period)
    collected = collected_amounts(ids, period)
    return [
        DistrictRow(
            primary=p,
            collected=collected[p.pk],
            returned=flows[p.pk]["returned"],
            spent=flows[p.pk]["spent"],
            balance=flows[p.pk]["balance"],
            owed_months=counts[p.pk][0],
            paid_months=counts[p.pk][1],
        )
        for p in primaries
    ]


# --- a fund's statement ------------------------------------------------------------------


@dataclass
class StatementLine:
    date: dt.date
    memo: str
    kind: str
    inflow: Decimal
    outflow: Decimal
    balance: Decimal


def fund_statement(primary: OrgUnit, period: Period) -> tuple[Decimal, list[StatementLine]]:
    """The opening balance and every movement of the primary's fund in the period."""
    account = Account.objects.filter(unit=primary, kind=AccountKind.FUND).first()
    if account is None:
        return Decimal(0), []
    opening = -(
        Entry.objects.filter(account=account, date__lt=period.start).aggregate(total=Sum("amount"))[
            "total"
        ]
        or Decimal(0)
    )
    balance = opening
    lines = []
    for entry in (
        Entry.objects.filter(account=account, date__gte=period.start, date__lte=period.end)
        .select_related("transaction")
        .order_by("date", "pk")
    ):
        change = -entry.amount
        balance += change
        lines.append(
            StatementLine(
                date=entry.date,
                memo=entry.transaction.memo,
                kind=entry.transaction.kind,
                inflow=change if change > 0 else Decimal(0),
                outflow=-change if change < 0 else Decimal(0),
                balance=balance,
            )
        )
    return opening, lines


def fund_balance(primary: OrgUnit) -> Decimal:
    account = Account.objects.filter(unit=primary, kind=AccountKind.FUND).first()
    return -account.balance if account else Decimal(0)


def pending_spending(user) -> QuerySet[SpendingRequest]:
    return spending_visible(user, perm=Perm.DUES_APPROVE).filter(status=SpendingStatus.REQUESTED)
