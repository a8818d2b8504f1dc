"""Deputies of the faction: the list with their figures for a period, a deputy's page, the
period's report in XLSX, and registering a deputy (the district's administrators)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.core.dbrouter import replica_reads
from pervichka.core.exporting import xlsx_response
from pervichka.core.forms import apply_validation_error
from pervichka.core.kpis import Period
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere, has_perm_at
from pervichka.deputies import selectors, services
from pervichka.deputies.forms import DeputyEditForm, DeputyForm, PeriodForm
from pervichka.people.services import person_lookup


def _period(request: HttpRequest) -> Period:
    form = PeriodForm(request.GET)
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    start = data.get("start") or dt.date(today.year, 1, 1)
    end = data.get("end") or today
    if end < start:
        start, end = end, start
    return Period(start, end)


def _require(user) -> None:
    if not has_perm_anywhere(user, Perm.ORGS_VIEW):
        raise Http404


@login_required
@replica_reads
def deputies(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    period = _period(request)
    queryset = selectors.deputies_visible(request.user)
    if request.GET.get("format") == "xlsx":
        return _report(queryset, period)
    page = CappedPaginator(queryset, 25).get_page(request.GET.get("page") or 1)
    rows = [(d, selectors.figures(d, period), selectors.is_current(d)) for d in page]
    return render(
        request,
        "deputies/list.html",
        {
            "page": page,
            "rows": rows,
            "period": period,
            "can_manage": has_perm_anywhere(request.user, Perm.ORGS_MANAGE),
        },
    )


def _report(queryset, period: Period) -> HttpResponse:
    return xlsx_response(
        f"deputies-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
        _("Deputies"),
        [
            _("Deputy"),
            _("Council (maslikhat)"),
            _("Term (convocation)"),
            _("Constituency"),
            _("Field receptions held"),
            _("Appeals received"),
            _("Appeals answered"),
            _("Answered on time"),
            _("Promises answered for"),
            _("Promises done"),
        ],
        (
            [
                d.person.full_name,
                d.council,
                d.term,
                d.constituency,
                f.receptions_held,
                f.appeals_received,
                f.appeals_answered,
                f.answered_on_time,
                sum(f.promises.values()),
                f.promises.get("done", 0) + f.promises.get("done_late", 0),
            ]
            for d in queryset
            for f in [selectors.figures(d, period)]
        ),
    )


@login_required
def deputy(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = selectors.deputy_get(request.user, pk)
    period = _period(request)
    receptions = selectors.receptions_hosted(deputy, period)
    can_view_appeals = has_perm_anywhere(request.user, Perm.APPEALS_VIEW)
    promises = list(deputy.promises.order_by("due_date")[:100])
    return render(
        request,
        "deputies/detail.html",
        {
            "deputy": deputy,
            "period": period,
            "figures": selectors.figures(deputy, period),
            "receptions": receptions,
            "promises": promises,
            # Each promise links to the staff page when the user may open it, otherwise to
            # the public tracker when it is public there, otherwise it is plain text.
            "openable_promises": set(
                deputy.promises.readable_upwards(request.user, Perm.PROMISES_VIEW)
                .filter(pk__in=[p.pk for p in promises])
                .values_list("pk", flat=True)
            ),
            "current": selectors.is_current(deputy),
            "can_edit": has_perm_at(request.user, Perm.ORGS_MANAGE, deputy.unit.path),
            "can_view_appeals": can_view_appeals,
            "appeals": selectors.appeals_received(request.user, deputy, period)
            if can_view_appeals
            else [],
        },
    )


@login_required
def deputy_new(request: HttpRequest) -> HttpResponse:
    if not has_perm_anywhere(request.user, Perm.ORGS_MANAGE):
        raise Http404
    form = DeputyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = person_lookup(actor=request.user, iin=data["iin"])
        except ValidationError as exc:
            person = None
            form.add_error("iin", exc.message_dict["iin"])
        if person is None:
            if not form.errors:
                form.add_error(
                    "iin", _("Nobody with this IIN is in your registry: add the person first.")
                )
        else:
            try:
                deputy = services.deputy_register(
                    actor=request.user,
                    person=person,
                    unit=data["unit"],
                    council=data["council"],
                    term=data["term"],
                    term_start=data["term_start"],
                    term_end=data["term_end"],
                    constituency=data["constituency"],
                    faction=data["faction"],
                    role_in_faction=data["role_in_faction"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request, _("%(name)s is registered as a deputy.") % {"name": person}
                )
                return redirect("deputies:detail", pk=deputy.pk)
    return render(request, "deputies/new.html", {"form": form})


EDITABLE = (
    "council",
    "term",
    "term_start",
    "term_end",
    "constituency",
    "faction",
    "role_in_faction",
)


@login_required
def deputy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = selectors.deputy_get(request.user, pk, perm=Perm.ORGS_MANAGE)
    form = DeputyEditForm(
        request.POST or None,
        user=request.user,
        initial={name: getattr(deputy, name) for name in EDITABLE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.deputy_update(
                actor=request.user,
                deputy=deputy,
                **{name: form.cleaned_data[name] for name in EDITABLE},
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The deputy's record is saved."))
            return redirect("deputies:detail", pk=deputy.pk)
    return render(request, "deputies/edit.html", {"form": form, "deputy": deputy})
