"""Dues over the API: payments, ledger entries, fund balances, spending requests. Scoped."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Header, Router, Schema, Status
from ninja.pagination import paginate

from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.dates import RecordDate
from pervichka.core.money import Amount
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.dues import selectors, services
from pervichka.dues.enums import AccountKind, PaymentMethod, SpendingStatus, TransactionKind
from pervichka.dues.models import Entry, Payment, SpendingRequest

router = Router(tags=["dues"])


class PaymentOut(Schema):
    id: int
    membership_id: int
    primary_id: int
    amount: Decimal
    method: PaymentMethod
    receipt_number: str
    bank_reference: str | None
    paid_on: dt.date
    months: list[dt.date]
    is_reversed: bool
    transaction_id: int


class PaymentIn(Schema):
    membership_id: int
    months: list[dt.date] = Field(..., min_length=1, max_length=36)
    method: PaymentMethod
    paid_on: RecordDate
    receipt_number: str = Field("", max_length=40)
    bank_reference: str = Field("", max_length=80)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class DecisionIn(Schema):
    reason: str = Field("", max_length=2000)


class EntryOut(Schema):
    id: int
    transaction_id: int
    transaction_kind: TransactionKind
    account_id: int
    account_kind: AccountKind
    unit_id: int
    date: dt.date
    amount: Decimal = Field(..., description="Debit positive, credit negative.")
    memo: str


class FundOut(Schema):
    primary_id: int
    primary: str
    balance: Decimal


class SpendingOut(Schema):
    id: int
    primary_id: int
    amount: Decimal
    purpose: str
    project_ref: str
    status: SpendingStatus
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str
    transaction_id: int | None


class SpendingIn(Schema):
    primary_id: int
    amount: Amount
    purpose: str = Field(..., min_length=1, max_length=5000)
    project_ref: str = Field("", max_length=100)


def _payment_out(p: Payment) -> dict:
    return {
        "id": p.pk,
        "membership_id": p.membership_id,
        "primary_id": p.primary_id,
        "amount": p.amount,
        "method": p.method,
        "receipt_number": p.receipt_number,
        "bank_reference": p.bank_reference,
        "paid_on": p.paid_on,
        "months": [m.month for m in p.months.all()],
        "is_reversed": p.is_reversed,
        "transaction_id": p.transaction_id,
    }


def _spending_out(s: SpendingRequest) -> dict:
    return {
        "id": s.pk,
        "primary_id": s.primary_id,
        "amount": s.amount,
        "purpose": s.purpose,
        "project_ref": s.project_ref,
        "status": s.status,
        "requested_at": s.requested_at,
        "decided_at": s.decided_at,
        "decision_reason": s.decision_reason,
        "transaction_id": s.transaction_id,
    }


@router.get("/payments", response=list[PaymentOut], summary="Dues payments in scope")
@paginate(Pagination)
def list_payments(
    request,
    primary_id: int | None = None,
    membership_id: int | None = None,
    paid_from: dt.date | None = None,
    paid_to: dt.date | None = None,
):
    queryset = selectors.payments_visible(actor(request)).prefetch_related("months")
    if primary_id:
        queryset = queryset.filter(primary_id=primary_id)
    if membership_id:
        queryset = queryset.filter(membership_id=membership_id)
    if paid_from:
        queryset = queryset.filter(paid_on__gte=paid_from)
    if paid_to:
        queryset = queryset.filter(paid_on__lte=paid_to)
    return MappedPage(queryset.order_by("-paid_on", "-pk"), _payment_out)


@router.post(
    "/payments",
    response={201: PaymentOut, 200: PaymentOut},
    summary="Record a payment (send Idempotency-Key to make retries safe)",
)
def create_payment(
    request, payload: PaymentIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    user = actor(request)
    membership = selectors.membership_for_dues(user, payload.membership_id, perm=Perm.DUES_RECORD)
    existed = bool(idempotency_key) and selectors.payment_with_key_exists(idempotency_key)
    payment = services.payment_record(
        actor=user,
        membership=membership,
        idempotency_key=idempotency_key or None,
        data=services.PaymentInput(
            months=payload.months,
            method=payload.method,
            paid_on=payload.paid_on,
            receipt_number=payload.receipt_number,
            bank_reference=payload.bank_reference,
        ),
    )
    return Status(200 if existed else 201, _payment_out(payment))


@router.post(
    "/payments/{payment_id}/reverse",
    response=PaymentOut,
    summary="Reverse a payment (a correcting transaction; nothing is deleted)",
)
def reverse_payment(request, payment_id: int, payload: ReasonIn):
    user = actor(request)
    payment = get_or_404(selectors.payments_visible(user, perm=Perm.DUES_RECORD), pk=payment_id)
    return _payment_out(
        services.payment_reverse(actor=user, payment=payment, reason=payload.reason)
    )


@router.get("/ledger", response=list[EntryOut], summary="Ledger entries of accounts in scope")
@paginate(Pagination)
def ledger(
    request,
    unit_id: int | None = None,
    account_kind: AccountKind | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
):
    queryset = selectors.ledger_entries(actor(request), unit_id=unit_id, account_kind=account_kind)
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)

    def out(e: Entry) -> dict:
        return {
            "id": e.pk,
            "transaction_id": e.transaction_id,
            "transaction_kind": e.transaction.kind,
            "account_id": e.account_id,
            "account_kind": e.account.kind,
            "unit_id": e.account.unit_id,
            "date": e.date,
            "amount": e.amount,
            "memo": e.transaction.memo,
        }

    return MappedPage(queryset.order_by("-date", "-pk"), out)


@router.get("/funds", response=list[FundOut], summary="Project fund balances in scope")
def funds(request):
    primaries = selectors.primaries_in_tree_order(actor(request))
    balances = selectors.fund_balances(primaries)
    return [
        {"primary_id": p.pk, "primary": str(p), "balance": balances.get(p.pk, Decimal(0))}
        for p in primaries
    ]


@router.get("/spending", response=list[SpendingOut], summary="Spending requests in scope")
@paginate(Pagination)
def list_spending(request, status: SpendingStatus | None = None):
    queryset = selectors.spending_visible(actor(request))
    if status:
        queryset = queryset.filter(status=status)
    return MappedPage(queryset, _spending_out)


@router.get("/spending/{spending_id}", response=SpendingOut)
def get_spending(request, spending_id: int):
    return _spending_out(get_or_404(selectors.spending_visible(actor(request)), pk=spending_id))


@router.post("/spending", response={201: SpendingOut}, summary="Ask to spend from a fund")
def create_spending(request, payload: SpendingIn):
    user = actor(request)
    primary = get_or_404(
        selectors.primaries_in_tree_order(user, perm=Perm.DUES_RECORD), pk=payload.primary_id
    )
    spending = services.spending_request(
        actor=user,
        primary=primary,
        amount=payload.amount,
        purpose=payload.purpose,
        project_ref=payload.project_ref,
    )
    return Status(201, _spending_out(spending))


@router.post(
    "/spending/{spending_id}/{decision}",
    response=SpendingOut,
    summary="Approve (and pay), refuse, or reverse a spending request",
)
def decide_spending(
    request,
    spending_id: int,
    decision: Literal["approve", "refuse", "reverse"],
    payload: DecisionIn,
):
    user = actor(request)
    spending = get_or_404(selectors.spending_visible(user, perm=Perm.DUES_APPROVE), pk=spending_id)
    service = {
        "approve": services.spending_approve,
        "refuse": services.spending_refuse,
        "reverse": services.spending_reverse,
    }[decision]
    return _spending_out(service(actor=user, request=spending, reason=payload.reason))
