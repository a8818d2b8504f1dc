"""Writes to the dues ledger. One transaction each; every posting balances; no project fund
ever goes below zero; corrections are reversals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pervichka.core import tree
from pervichka.core.idempotency import ensure_same_submission
from pervichka.core.money import format_kzt, money, parse_amount
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.uploads import validate_upload
from pervichka.dues.enums import AccountKind, PaymentMethod, SpendingStatus, TransactionKind
from pervichka.dues.ledger import ACCOUNT_HOLDER, DEFAULT_SHARE, payment_entries, spending_entries
from pervichka.dues.models import (
    Account,
    DuesRate,
    Entry,
    PaidMonth,
    Payment,
    ReturnShare,
    SpendingRequest,
    Transaction,
)
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import district_of
from pervichka.people.enums import MembershipStatus

MONTHS_AHEAD = 12


def _require(actor, perm: Perm, path: str) -> None:
    if not has_perm_at(actor, perm, path):
        raise Http404


def dues_district(unit: OrgUnit) -> OrgUnit:
    """The district whose rates, return share and accounts hold the dues of `unit` (a
    district or a primary). A region or the party keeps no dues of its own."""
    district = district_of(unit)
    if district is None:
        raise ValidationError(_("Dues are kept by a district and its primary organizations."))
    return district


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_month(month: dt.date, count: int = 1) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _ledger_text(make: Callable[[], str]) -> str:
    """Ledger memos are a permanent record in one language, the installation's default,
    whoever records them: a fund statement does not switch language from line to line."""
    with translation.override(settings.LANGUAGE_CODE):
        return make()


# --- rates -------------------------------------------------------------------------------


class Rates:
    """A district's dues rates and return shares, read once and asked many times."""

    def __init__(self, district: OrgUnit):
        self.district = district
        self._rates = list(
            DuesRate.objects.filter(district=district).order_by("category", "-valid_from")
        )
        self._shares = list(ReturnShare.objects.filter(district=district).order_by("-valid_from"))

    def rate(self, category: str, month: dt.date) -> DuesRate | None:
        end = add_month(month) - dt.timedelta(days=1)
        for rate in self._rates:
            if rate.category == category and rate.valid_from <= end:
                return rate
        return None

    def amount_due(self, category: str, month: dt.date) -> Decimal | None:
        """What a member of the category owes for the month; None when nothing is owed."""
        rate = self.rate(category, month)
        if rate is None or rate.exempt or rate.amount <= 0:
            return None
        return rate.amount

    def share(self, day: dt.date) -> Decimal:
        for share in self._shares:
            if share.valid_from <= day:
                return share.share
        return DEFAULT_SHARE


@transaction.atomic
def rate_set(
    *,
    actor,
    district: OrgUnit,
    category: str,
    amount: Decimal,
    valid_from: dt.date,
    exempt: bool = False,
) -> DuesRate:
    """Set what a member category pays from a date on; earlier months keep their rate."""
    _require(actor, Perm.DUES_ADMIN, district.path)
    if district.kind != OrgKind.DISTRICT:
        raise ValidationError(_("Dues rates are set by a district."))
    rate, _created = DuesRate.objects.update_or_create(
        district=district,
        category=category,
        valid_from=valid_from,
        defaults={"amount": money(0 if exempt else amount), "exempt": exempt, "created_by": actor},
    )
    rate.full_clean()
    return rate


@transaction.atomic
def share_set(*, actor, district: OrgUnit, share: Decimal, valid_from: dt.date) -> ReturnShare:
    _require(actor, Perm.DUES_ADMIN, district.path)
    if not Decimal(0) <= Decimal(share) <= Decimal(1):
        raise ValidationError({"share": _("The share is between 0 and 1 (0.20 is 20%).")})
    value, _created = ReturnShare.objects.update_or_create(
        district=district, valid_from=valid_from, defaults={"share": share}
    )
    return value


# --- the ledger --------------------------------------------------------------------------


def account_for(unit: OrgUnit, kind: str) -> Account:
    account, _created = Account.objects.get_or_create(unit=unit, kind=kind)
    return account


def _accounts(lines: list[tuple[str, Decimal]], *, primary: OrgUnit, district: OrgUnit):
    """The ledger's (account kind, amount) lines on the accounts of this primary's district."""
    holders = {tree.PRIMARY: primary, tree.DISTRICT: district}
    return [(account_for(holders[ACCOUNT_HOLDER[kind]], kind), amount) for kind, amount in lines]


def _post(
    *,
    kind: str,
    date: dt.date,
    memo: str,
    actor,
    lines: list[tuple[Account, Decimal]],
    reverses: Transaction | None = None,
) -> Transaction:
    """Write one balanced transaction and move the accounts' balances, under row locks.

    Accounts are locked in primary-key order so two postings touching the same accounts
    cannot deadlock; a fund that would go below zero stops the whole transaction.
    """
    lines = [(account, money(amount)) for account, amount in lines if money(amount) != 0]
    if sum((amount for _a, amount in lines), Decimal(0)) != 0:
        raise ValueError("an unbalanced transaction")  # a bug, never a user's mistake
    ids = sorted({account.pk for account, _amount in lines})
    locked = {
        a.pk: a
        for a in Account.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .select_related("unit")
    }
    changes: dict[int, Decimal] = {}
    for account, amount in lines:
        changes[account.pk] = changes.get(account.pk, Decimal(0)) + amount
    for pk, change in changes.items():
        account = locked[pk]
        if account.kind == AccountKind.FUND and account.balance + change > 0:
            raise ValidationError(
                _("The project fund of %(unit)s has %(available)s; this needs %(needed)s.")
                % {
                    "unit": account.unit,
                    "available": format_kzt(-account.balance),
                    "needed": format_kzt(change),
                },
                code="fund_insufficient",
            )
    txn = Transaction.objects.create(
        kind=kind,
        date=date,
        memo=memo[:255],
        reverses=reverses,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Entry.objects.bulk_create(
        Entry(transaction=txn, account=account, amount=amount, date=date)
        for account, amount in lines
    )
    for pk, change in changes.items():
        Account.objects.filter(pk=pk).update(balance=F("balance") + change)
    return txn


def _reverse(original: Transaction, *, actor, memo: str) -> Transaction:
    if Transaction.objects.filter(reverses=original).exists():
        raise ValidationError(_("This has already been reversed."))
    lines = [(entry.account, -entry.amount) for entry in original.entries.select_related("account")]
    return _post(
        kind=TransactionKind.REVERSAL,
        date=timezone.localdate(),
        memo=memo,
        actor=actor,
        lines=lines,
        reverses=original,
    )


# --- payments ----------------------------------------------------------------------------


def months_owed(membership, rates: Rates, *, until: dt.date) -> list[dt.date]:
    """Every month from joining to `until` (or leaving) for which the member owes dues."""
    first = month_start(membership.joined)
    last = month_start(min(until, membership.left) if membership.left else until)
    months, month = [], first
    while month <= last:
        if rates.amount_due(membership.dues_category, month) is not None:
            months.append(month)
        month = add_month(month)
    return months


def unpaid_months(membership, rates: Rates, *, until: dt.date) -> list[dt.date]:
    paid = set(
        PaidMonth.objects.filter(membership=membership, is_reversed=False).values_list(
            "month", flat=True
        )
    )
    return [m for m in months_owed(membership, rates, until=until) if m not in paid]


@dataclass
class PaymentInput:
    months: list[dt.date]
    method: str
    paid_on: dt.date
    receipt_number: str = ""
    bank_reference: str = ""


def _validate_payment(
    membership, rates: Rates, data: PaymentInput
) -> list[tuple[dt.date, Decimal]]:
    errors: dict[str, str] = {}
    if data.method not in PaymentMethod.values:
        errors["method"] = _("Choose cash or bank transfer.")
    elif data.method == PaymentMethod.CASH and not data.receipt_number.strip():
        errors["receipt_number"] = _("A cash payment needs the receipt number.")
    elif data.method == PaymentMethod.BANK and not data.bank_reference.strip():
        errors["bank_reference"] = _("A bank transfer needs its reference from the statement.")
    today = timezone.localdate()
    if data.paid_on > today:
        errors["paid_on"] = _("The payment date cannot be in the future.")
    months = sorted({month_start(m) for m in data.months})
    if not months:
        errors["months"] = _("Choose the months this payment is for.")
    lines = []
    for month in months:
        if month < month_start(membership.joined):
            errors["months"] = _("%(month)s is before the member joined.") % {
                "month": month.strftime("%m.%Y")
            }
            break
        if membership.left and month > month_start(membership.left):
            errors["months"] = _("%(month)s is after the member left.") % {
                "month": month.strftime("%m.%Y")
            }
            break
        if month > add_month(month_start(today), MONTHS_AHEAD):
            errors["months"] = _("Dues can be paid at most 12 months ahead.")
            break
        amount = rates.amount_due(membership.dues_category, month)
        if amount is None:
            errors["months"] = _("No dues are owed for %(month)s (exempt or no rate set).") % {
                "month": month.strftime("%m.%Y")
            }
            break
        lines.append((month, amount))
    if errors:
        raise ValidationError(errors)
    taken = PaidMonth.objects.filter(
        membership=membership, month__in=months, is_reversed=False
    ).values_list("month", flat=True)
    if taken:
        raise ValidationError(
            {
                "months": _("Already paid: %(months)s.")
                % {"months": ", ".join(m.strftime("%m.%Y") for m in sorted(taken))}
            }
        )
    return lines


def _record(
    *, actor, membership, data: PaymentInput, rates: Rates, idempotency_key: str | None
) -> Payment:
    lines = _validate_payment(membership, rates, data)
    primary = membership.primary
    district = rates.district
    total = sum((amount for _m, amount in lines), Decimal(0))
    memo = _ledger_text(
        lambda: (
            _("Dues of %(member)s for %(months)s")
            % {
                "member": membership.person.full_name,
                "months": ", ".join(m.strftime("%m.%Y") for m, _a in lines),
            }
        )
    )
    txn = _post(
        kind=TransactionKind.PAYMENT,
        date=data.paid_on,
        memo=memo,
        actor=actor,
        lines=_accounts(
            payment_entries(total, rates.share(data.paid_on)), primary=primary, district=district
        ),
    )
    payment = Payment.objects.create(
        membership=membership,
        primary=primary,
        amount=total,
        method=data.method,
        receipt_number=data.receipt_number.strip(),
        bank_reference=data.bank_reference.strip() or None,
        paid_on=data.paid_on,
        transaction=txn,
        idempotency_key=idempotency_key,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    PaidMonth.objects.bulk_create(
        PaidMonth(payment=payment, membership=membership, primary=primary, month=m, amount=a)
        for m, a in lines
    )
    return payment


def _ensure_same_payment(existing: Payment, membership, data: PaymentInput) -> None:
    """A retry re-sends the same member, months, method, date and receipt; anything else
    under a used key (another primary's payment included) is IdempotencyConflict."""
    ensure_same_submission(
        {
            "membership": existing.membership_id,
            "months": {m.isoformat() for m in existing.months.values_list("month", flat=True)},
            "method": existing.method,
            "paid_on": existing.paid_on,
            "receipt_number": existing.receipt_number,
            "bank_reference": existing.bank_reference or "",
        },
        {
            "membership": membership.pk,
            "months": {month_start(m).isoformat() for m in data.months},
            "method": data.method,
            "paid_on": data.paid_on,
            "receipt_number": data.receipt_number,
            "bank_reference": data.bank_reference or "",
        },
    )


def payment_record(
    *, actor, membership, data: PaymentInput, idempotency_key: str | None = None
) -> Payment:
    """Record dues paid by a member for one or several months.

    The district's dues account is credited with the whole amount and, at the district's
    return share, the primary's project fund. With an idempotency key a retry returns the
    first payment instead of recording a second one.
    """
    _require(actor, Perm.DUES_RECORD, membership.primary.path)
    if idempotency_key:
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            _ensure_same_payment(existing, membership, data)
            return existing
    if membership.status == MembershipStatus.ARCHIVED and not membership.left:
        raise ValidationError(_("This membership is archived."))
    rates = Rates(dues_district(membership.primary))
    try:
        with transaction.atomic():
            return _record(
                actor=actor,
                membership=membership,
                data=data,
                rates=rates,
                idempotency_key=idempotency_key,
            )
    except IntegrityError as exc:
        if idempotency_key:
            existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                _ensure_same_payment(existing, membership, data)
                return existing
        text = str(exc).lower()
        if "bank_reference" in text:
            raise ValidationError(
                {"bank_reference": _("A payment with this bank reference is already recorded.")}
            ) from exc
        raise ValidationError({"months": _("One of these months has just been paid.")}) from exc


@transaction.atomic
def payment_reverse(*, actor, payment: Payment, reason: str) -> Payment:
    """Cancel a payment recorded by mistake: a reversing transaction; the months are owed
    again. Refused when the fund has already spent the share this payment returned."""
    _require(actor, Perm.DUES_RECORD, payment.primary.path)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the payment is reversed.")})
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.is_reversed:
        raise ValidationError(_("This payment has already been reversed."))
    _reverse(
        payment.transaction,
        actor=actor,
        memo=_ledger_text(
            lambda: (
                _("Reversal: %(memo)s (%(reason)s)")
                % {"memo": payment.transaction.memo, "reason": reason.strip()}
            )
        ),
    )
    payment.is_reversed = True
    payment.save(update_fields=["is_reversed"])
    payment.months.update(is_reversed=True)
    return payment


# --- spending ----------------------------------------------------------------------------


@transaction.atomic
def spending_request(
    *, actor, primary: OrgUnit, amount: Decimal, purpose: str, project_ref: str = ""
) -> SpendingRequest:
    """A primary asks to pay for a project activity from its fund; the district decides."""
    _require(actor, Perm.DUES_RECORD, primary.path)
    if primary.kind != OrgKind.PRIMARY:
        raise ValidationError(_("Project funds belong to primary organizations."))
    try:
        amount = parse_amount(amount)  # what the forms and the API read: never rounded
    except ValidationError as exc:
        raise ValidationError({"amount": exc.messages}) from exc
    if not (purpose or "").strip():
        raise ValidationError({"purpose": _("Say what the money is for.")})
    return SpendingRequest.objects.create(
        primary=primary,
        amount=amount,
        purpose=purpose.strip(),
        project_ref=project_ref,
        requested_by=actor,
    )


@transaction.atomic
def spending_request_pay_for(
    *, actor, request: SpendingRequest, primary: OrgUnit, project_ref: str
) -> SpendingRequest:
    """A request pays for an activity of `primary` under a project (an event of the projects
    app): it must come from that primary's fund and still be asked or approved. The request
    keeps the project's reference when it had none. The caller says nothing of the
    activity; linking it is the caller's own write."""
    _require(actor, Perm.DUES_VIEW, request.primary.path)
    request = SpendingRequest.objects.select_for_update().get(pk=request.pk)
    if request.primary_id != primary.pk:
        raise ValidationError(
            {"spending": _("The spending must come from the fund of the event's primary.")}
        )
    if request.status not in (SpendingStatus.REQUESTED, SpendingStatus.APPROVED):
        raise ValidationError(
            {"spending": _("A refused or withdrawn request cannot pay for an event.")}
        )
    if not request.project_ref:
        request.project_ref = project_ref
        request.save(update_fields=["project_ref"])
    return request


@transaction.atomic
def spending_approve(*, actor, request: SpendingRequest, reason: str = "") -> SpendingRequest:
    """Approve and pay: the fund is debited under its row lock, so two approvals at once can
    never spend more than the fund holds."""
    _require(actor, Perm.DUES_APPROVE, request.primary.path)
    request = (
        SpendingRequest.objects.select_for_update(of=("self",))
        .select_related("primary")
        .get(pk=request.pk)
    )
    if request.status != SpendingStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    district = dues_district(request.primary)
    txn = _post(
        kind=TransactionKind.SPENDING,
        date=timezone.localdate(),
        actor=actor,
        memo=_ledger_text(
            lambda: (
                _("Spending of %(unit)s: %(purpose)s")
                % {"unit": request.primary, "purpose": request.purpose[:150]}
            )
        ),
        lines=_accounts(
            spending_entries(request.amount), primary=request.primary, district=district
        ),
    )
    request.status = SpendingStatus.APPROVED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.decision_reason = reason.strip()
    request.transaction = txn
    request.save()
    return request


@transaction.atomic
def spending_refuse(*, actor, request: SpendingRequest, reason: str) -> SpendingRequest:
    _require(actor, Perm.DUES_APPROVE, request.primary.path)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A refusal needs a reason.")})
    request = SpendingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != SpendingStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    request.status = SpendingStatus.REFUSED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.decision_reason = reason.strip()
    request.save()
    return request


@transaction.atomic
def spending_reverse(*, actor, request: SpendingRequest, reason: str) -> SpendingRequest:
    """Undo a paid spending (the money came back): the fund gets it again."""
    _require(actor, Perm.DUES_APPROVE, request.primary.path)
    request = SpendingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != SpendingStatus.APPROVED or request.transaction is None:
        raise ValidationError(_("Only a paid spending can be reversed."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the spending is reversed.")})
    _reverse(
        request.transaction,
        actor=actor,
        memo=_ledger_text(
            lambda: (
                _("Reversal: %(memo)s (%(reason)s)")
                % {"memo": request.transaction.memo, "reason": reason.strip()}
            )
        ),
    )
    request.status = SpendingStatus.WITHDRAWN
    request.decision_reason = (request.decision_reason + "\n" + reason.strip()).strip()
    request.save()
    return request


@transaction.atomic
def spending_attach_receipt(
    *,
    actor,
    request: SpendingRequest,
    upload,
    note: str = "",
) -> SpendingRequest:
    """The receipt of what was bought, after the money was paid."""
    _require(actor, Perm.DUES_RECORD, request.primary.path)
    if request.status != SpendingStatus.APPROVED:
        raise ValidationError(_("A receipt is attached to an approved spending."))
    validate_upload(upload)
    request.receipt.save(upload.name, upload, save=False)
    request.receipt_note = note[:255]
    request.save()
    return request
