"""Dues pages: the district's table, a primary's month, a member's card, payments, the fund
statement, spending requests, bank statements, rates. Thin views over services/selectors."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.dbrouter import replica_reads
from pervichka.core.exporting import xlsx_response
from pervichka.core.forms import apply_validation_error
from pervichka.core.idempotency import IdempotencyConflict
from pervichka.core.kpis import Period
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere, has_perm_at
from pervichka.core.uploads import check_size
from pervichka.dues import selectors, services, statements
from pervichka.dues.forms import (
    DecisionForm,
    PaymentForm,
    RateForm,
    ReasonForm,
    ReceiptForm,
    ShareForm,
    SpendingForm,
    StatementForm,
)
from pervichka.dues.project_choices import project_name
from pervichka.orgs.selectors import districts_for
from pervichka.people.access import records_export


def _require_anywhere(user, perm: Perm) -> None:
    if not has_perm_anywhere(user, perm):
        raise Http404


def _period(request: HttpRequest) -> tuple[Period, str]:
    """?month=2026-11 for a month, ?year=2026 for a year; the current year by default."""
    today = timezone.localdate()
    month = request.GET.get("month", "")
    try:
        if month:
            year, number = (int(x) for x in month.split("-"))
            return Period.month(year, number), month
        year = int(request.GET.get("year") or today.year)
        return Period.year(year), str(year)
    except (ValueError, TypeError):
        return Period.year(today.year), str(today.year)


def _month(request: HttpRequest) -> dt.date:
    try:
        year, number = (int(x) for x in request.GET.get("month", "").split("-"))
        return dt.date(year, number, 1)
    except (ValueError, TypeError):
        return timezone.localdate().replace(day=1)


def _primary(request: HttpRequest, pk: int, perm: Perm = Perm.DUES_VIEW):
    return get_or_404(selectors.primaries_in_tree_order(request.user, perm=perm), pk=pk)


def _kzt(value: Decimal) -> str:
    """An amount as the dues templates print it (floatformat:"2g"): grouped, in the reader's
    language's separators."""
    return f"{formats.number_format(value, 2, force_grouping=True)} ₸"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@login_required
@replica_reads
def district_table(request: HttpRequest) -> HttpResponse:
    """Collected, returned, spent, balance and collection rate of every primary in scope."""
    _require_anywhere(request.user, Perm.DUES_VIEW)
    period, label = _period(request)
    rows = selectors.district_table(request.user, period)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"dues-{label}.xlsx",
            _("Dues"),
            [
                _("Primary organization"),
                _("Collected, ₸"),
                _("Returned to the fund, ₸"),
                _("Spent, ₸"),
                _("Fund balance, ₸"),
                _("Months owed"),
                _("Months paid"),
                _("Collection rate"),
            ],
            (
                [
                    str(r.primary),
                    r.collected,
                    r.returned,
                    r.spent,
                    r.balance,
                    r.owed_months,
                    r.paid_months,
                    r.collection_rate,
                ]
                for r in rows
            ),
        )
    totals = {
        "collected": sum((r.collected for r in rows), Decimal(0)),
        "returned": sum((r.returned for r in rows), Decimal(0)),
        "spent": sum((r.spent for r in rows), Decimal(0)),
        "balance": sum((r.balance for r in rows), Decimal(0)),
        "owed": sum(r.owed_months for r in rows),
        "paid": sum(r.paid_months for r in rows),
    }
    totals["rate"] = totals["paid"] / totals["owed"] if totals["owed"] else None
    chart = {
        "labels": [str(r.primary) for r in rows],
        "values": [round((r.collection_rate or 0) * 100, 1) for r in rows],
        "collected": [float(r.collected) for r in rows],
    }
    return render(
        request,
        "dues/district.html",
        {
            "rows": rows,
            "totals": totals,
            "period": period,
            "label": label,
            "chart": chart,
            "pending": selectors.pending_spending(request.user).count(),
            "can_approve": has_perm_anywhere(request.user, Perm.DUES_APPROVE),
            # The statement and rates pages work on a district: a primary's chair or
            # treasurer records dues but would get a 404 there.
            "can_import": districts_for(request.user, perm=Perm.DUES_RECORD).exists(),
            "can_admin": districts_for(request.user, perm=Perm.DUES_ADMIN).exists(),
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "pct": _pct,
        },
    )


@login_required
@records_export("dues of a primary's members", Perm.DUES_VIEW)
@replica_reads
def primary_month(request: HttpRequest, pk: int) -> HttpResponse:
    primary = _primary(request, pk)
    month = _month(request)
    rows, rate = selectors.primary_month(primary, month)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"dues-{primary.pk}-{month:%Y-%m}.xlsx",
            f"{month:%m.%Y}",
            [_("Member"), _("Dues for the month, ₸"), _("Paid"), _("Months in arrears")],
            (
                [
                    r.membership.person.full_name,
                    r.amount_due,
                    _("yes") if r.paid else (_("exempt") if r.amount_due is None else _("no")),
                    r.arrears_months,
                ]
                for r in rows
            ),
        )
    return render(
        request,
        "dues/primary_month.html",
        {
            "primary": primary,
            "month": month,
            "rows": rows,
            "rate": rate,
            "previous": services.add_month(month, -1),
            "next": services.add_month(month, 1),
            "balance": selectors.fund_balance(primary),
            "can_record": has_perm_at(request.user, Perm.DUES_RECORD, primary.path),
            "paid_count": sum(1 for r in rows if r.paid),
            "owing_count": sum(1 for r in rows if r.amount_due is not None),
        },
    )


@login_required
@replica_reads
def fund_statement(request: HttpRequest, pk: int) -> HttpResponse:
    primary = _primary(request, pk)
    period, label = _period(request)
    opening, lines = selectors.fund_statement(primary, period)
    if request.GET.get("format") == "xlsx":
        rows = [[period.start, _("Opening balance"), "", "", opening]]
        rows += [[x.date, x.memo, x.inflow or None, x.outflow or None, x.balance] for x in lines]
        return xlsx_response(
            f"fund-{primary.pk}-{label}.xlsx",
            _("Project fund"),
            [_("Date"), _("Description"), _("In, ₸"), _("Out, ₸"), _("Balance, ₸")],
            rows,
        )
    return render(
        request,
        "dues/fund_statement.html",
        {
            "primary": primary,
            "opening": opening,
            "lines": lines,
            "label": label,
            "closing": lines[-1].balance if lines else opening,
            "period": period,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


@login_required
@records_export("a member's dues card", Perm.DUES_VIEW)
@replica_reads
def member_card(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_for_dues(request.user, pk)
    try:
        months = min(max(int(request.GET.get("months") or 12), 1), 120)
    except ValueError:
        months = 12
    card = selectors.member_card(membership, months=months)
    if request.GET.get("format") == "xlsx":
        states = {
            "paid": _("paid"),
            "arrears": _("owed"),
            "due": _("due"),
            "exempt": _("exempt"),
            "none": "",
            "ahead": "",
        }
        return xlsx_response(
            f"dues-member-{membership.pk}.xlsx",
            _("Dues card"),
            [_("Month"), _("State"), _("Dues, ₸")],
            (
                [c.month.strftime("%m.%Y"), states.get(c.state, c.state), c.amount]
                for c in card.months
            ),
        )
    return render(
        request,
        "dues/member_card.html",
        {
            "card": card,
            "membership": membership,
            "can_record": has_perm_at(request.user, Perm.DUES_RECORD, membership.primary.path),
            "reverse_form": ReasonForm(),
        },
    )


@login_required
def payment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what a member paid: the months owed are offered oldest first."""
    membership = selectors.membership_for_dues(request.user, pk, perm=Perm.DUES_RECORD)
    rates = services.Rates(services.dues_district(membership.primary))
    today = timezone.localdate()
    owed = services.unpaid_months(membership, rates, until=today)
    ahead = []
    month = services.add_month(services.month_start(today))
    while len(ahead) < 6 and not membership.left:
        if rates.amount_due(membership.dues_category, month) is not None:
            ahead.append(month)
        month = services.add_month(month)
    choices = [
        (m.isoformat(), f"{m:%m.%Y} — {_kzt(rates.amount_due(membership.dues_category, m))}")
        for m in owed + ahead
    ]
    initial = {"idempotency_key": uuid.uuid4().hex, "months": [m.isoformat() for m in owed[:1]]}
    form = PaymentForm(request.POST or None, month_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(
                actor=request.user,
                membership=membership,
                data=services.PaymentInput(
                    months=data["months"],
                    method=data["method"],
                    paid_on=data["paid_on"],
                    receipt_number=data["receipt_number"],
                    bank_reference=data["bank_reference"],
                ),
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except IdempotencyConflict as exc:
            # The form's key made another payment: a new key, so sending again records this.
            fresh = request.POST.copy()
            fresh["idempotency_key"] = uuid.uuid4().hex
            form.data = fresh
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Payment of %(amount)s ₸ recorded.") % {"amount": payment.amount}
            )
            return redirect("dues:member", pk=membership.pk)
    return render(
        request,
        "dues/payment_form.html",
        {
            "form": form,
            "membership": membership,
            "owed_count": len(owed),
        },
    )


@login_required
@require_POST
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_or_404(selectors.payments_visible(request.user, perm=Perm.DUES_RECORD), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the payment is reversed."))
    else:
        try:
            services.payment_reverse(
                actor=request.user, payment=payment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The payment has been reversed."))
    return redirect("dues:member", pk=payment.membership_id)


# --- spending ----------------------------------------------------------------------------


@login_required
def spending_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.DUES_VIEW)
    return render(
        request,
        "dues/spending_list.html",
        {
            "requests": selectors.spending_visible(request.user)[:200],
            "can_request": has_perm_anywhere(request.user, Perm.DUES_RECORD),
        },
    )


@login_required
def spending_new(request: HttpRequest) -> HttpResponse:
    primaries = selectors.primaries_in_tree_order(request.user, perm=Perm.DUES_RECORD)
    if not primaries.exists():
        raise Http404
    form = SpendingForm(request.POST or None, primaries=primaries)
    if request.method == "POST" and form.is_valid():
        try:
            spending = services.spending_request(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The request is sent to the district."))
            return redirect("dues:spending", pk=spending.pk)
    return render(request, "dues/spending_form.html", {"form": form})


@login_required
def spending_detail(request: HttpRequest, pk: int) -> HttpResponse:
    spending = get_or_404(selectors.spending_visible(request.user), pk=pk)
    # The projects app links an event (and so its project) to the request; dues, below
    # projects, reads that link from its own side of the one-to-one relation.
    event = getattr(spending, "event", None)
    return render(
        request,
        "dues/spending_detail.html",
        {
            "spending": spending,
            "project": event.project if event is not None else None,
            "project_name": project_name(spending.project_ref) if spending.project_ref else "",
            "event": event,
            "balance": selectors.fund_balance(spending.primary),
            "can_decide": has_perm_at(request.user, Perm.DUES_APPROVE, spending.primary.path),
            "can_record": has_perm_at(request.user, Perm.DUES_RECORD, spending.primary.path),
            "decision_form": DecisionForm(),
            "receipt_form": ReceiptForm(),
        },
    )


@login_required
@require_POST
def spending_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    spending = get_or_404(selectors.spending_visible(request.user, perm=Perm.DUES_APPROVE), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    service = {
        "approve": services.spending_approve,
        "refuse": services.spending_refuse,
        "reverse": services.spending_reverse,
    }.get(decision)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, request=spending, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("dues:spending", pk=pk)


@login_required
@require_POST
def spending_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    spending = get_or_404(selectors.spending_visible(request.user, perm=Perm.DUES_RECORD), pk=pk)
    form = ReceiptForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.spending_attach_receipt(
                actor=request.user,
                request=spending,
                upload=form.cleaned_data["receipt"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The receipt is attached."))
    else:
        messages.error(request, _("Choose the receipt file."))
    return redirect("dues:spending", pk=pk)


@login_required
def spending_receipt_download(request: HttpRequest, pk: int) -> FileResponse:
    spending = get_or_404(selectors.spending_visible(request.user), pk=pk)
    if not spending.receipt:
        raise Http404
    return FileResponse(
        spending.receipt.open("rb"),
        as_attachment=True,
        filename=spending.receipt.name.rsplit("/", 1)[-1],
    )


# --- bank statements and rates ----------------------------------------------------------


@login_required
def statement_upload(request: HttpRequest) -> HttpResponse:
    districts = districts_for(request.user, perm=Perm.DUES_RECORD)
    if not districts.exists():
        raise Http404
    form = StatementForm(request.POST or None, request.FILES or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        district = form.cleaned_data["district"]
        try:
            # Checked before the file is read into memory.
            check_size(upload, settings.PERVICHKA_STATEMENT_MAX_BYTES)
            content = upload.read()
            earlier = statements.earlier_import_of(district, content)
            report = statements.statement_import(
                actor=request.user, district=district, name=upload.name, content=content
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if earlier:
                messages.warning(
                    request,
                    _("This file was imported before, on %(date)s: nothing was recorded twice.")
                    % {"date": timezone.localtime(earlier.imported_at).strftime("%d.%m.%Y %H:%M")},
                )
            return redirect("dues:statement", pk=report.pk)
    imports = selectors.statement_imports_visible(request.user)[:20]
    return render(request, "dues/statement_form.html", {"form": form, "imports": imports})


@login_required
def statement_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_or_404(selectors.statement_imports_visible(request.user), pk=pk)
    return render(request, "dues/statement_report.html", {"report": report})


@login_required
def rates(request: HttpRequest) -> HttpResponse:
    districts = districts_for(request.user, perm=Perm.DUES_ADMIN)
    # A regional administrator keeps several districts: ?district= chooses (404 outside).
    chosen = request.GET.get("district") or request.POST.get("district")
    district = get_or_404(districts, pk=chosen) if chosen else districts.first()
    if district is None:
        raise Http404
    rate_form = RateForm(request.POST if "rate" in request.POST else None, prefix="rate")
    share_form = ShareForm(request.POST if "share" in request.POST else None, prefix="share")
    try:
        if request.method == "POST" and "rate" in request.POST and rate_form.is_valid():
            data = rate_form.cleaned_data
            services.rate_set(
                actor=request.user,
                district=district,
                category=data["category"],
                amount=data["amount"] or Decimal(0),
                exempt=data["exempt"],
                valid_from=data["valid_from"],
            )
            messages.success(request, _("The rate is saved."))
            return redirect(f"{reverse('dues:rates')}?district={district.pk}")
        if request.method == "POST" and "share" in request.POST and share_form.is_valid():
            services.share_set(
                actor=request.user,
                district=district,
                share=share_form.cleaned_data["percent"] / 100,
                valid_from=share_form.cleaned_data["valid_from"],
            )
            messages.success(request, _("The return share is saved."))
            return redirect(f"{reverse('dues:rates')}?district={district.pk}")
    except ValidationError as exc:
        apply_validation_error(rate_form if "rate" in request.POST else share_form, exc)
    return render(
        request,
        "dues/rates.html",
        {
            "district": district,
            "districts": districts if districts.count() > 1 else [],
            "rates": selectors.rates_of(district),
            "shares": selectors.shares_of(district),
            "rate_form": rate_form,
            "share_form": share_form,
        },
    )
