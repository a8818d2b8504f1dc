"""Youth pages: the register, a young person, a case with its referrals and placements,
follow-ups due, the district's dashboard. Thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.accounts.selectors import users_with_perm_in
from pervichka.core import tree
from pervichka.core.actions import FormAction, form_action
from pervichka.core.dbrouter import replica_reads
from pervichka.core.exporting import xlsx_response
from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere, has_perm_at
from pervichka.orgs.selectors import primaries_for, settlements_for
from pervichka.people.access import pii_view_record, records_export
from pervichka.youth import selectors, services
from pervichka.youth.enums import YouthStatus
from pervichka.youth.forms import (
    CaseForm,
    CheckForm,
    CloseForm,
    FactsForm,
    NoteForm,
    PlacementForm,
    ReferralForm,
    ReferralMoveForm,
    RegistryFilterForm,
    YoungPersonForm,
)
from pervichka.youth.models import YouthRules
from pervichka.youth.rules import derive_status


def _workers(yp):
    """Who may take a young person's case: users who manage youth work at their primary."""
    return users_with_perm_in(Perm.YOUTH_MANAGE, yp.primary).order_by("last_name", "username")


def _require_anywhere(user, perm: Perm) -> None:
    if not has_perm_anywhere(user, perm):
        raise Http404


def _filters(request: HttpRequest):
    form = RegistryFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.RegistryFilters(
        status=data.get("status") or "",
        neet_only=bool(data.get("neet")),
        settlement_id=data.get("settlement"),
        primary_id=data.get("primary"),
        q=data.get("q") or "",
    ), data.get("page") or 1


@login_required
@records_export("youth register export", Perm.YOUTH_VIEW)
@replica_reads
def registry(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.YOUTH_VIEW)
    filters, page_number = _filters(request)
    queryset = selectors.registry(request.user, filters)
    if request.GET.get("format") == "xlsx":
        today = timezone.localdate()
        return xlsx_response(
            f"youth-{today.isoformat()}.xlsx",
            _("Young people"),
            [
                _("Name"),
                _("Age"),
                _("Status"),
                _("Education"),
                _("Settlement"),
                _("Primary organization"),
                _("Open case"),
            ],
            (
                [
                    yp.person.full_name,
                    selectors.age_of(yp),
                    YouthStatus(derive_status(yp)).label,
                    yp.get_education_display(),
                    str(yp.person.settlement or ""),
                    str(yp.primary),
                    _("yes") if yp.has_open_case else _("no"),
                ]
                for yp in queryset.iterator()
            ),
        )
    page = CappedPaginator(queryset, 25).get_page(page_number)
    rows = [(yp, YouthStatus(derive_status(yp)), selectors.age_of(yp)) for yp in page]
    # Nobody is struck off on a birthday: a person above the district's age limit is marked,
    # so the case worker closes the case ("above the age limit") or keeps helping.
    limits = selectors.age_limits()
    for yp, _status, age in rows:
        limit = limits.get(tree.district_path(yp.primary.path), YouthRules.max_age.field.default)
        yp.aged_out = age is not None and age > limit
    return render(
        request,
        "youth/registry.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "statuses": YouthStatus.choices,
            "settlements": settlements_for(request.user),
            "primaries": primaries_for(request.user, perm=Perm.YOUTH_VIEW),
            "can_manage": has_perm_anywhere(request.user, Perm.YOUTH_MANAGE),
        },
    )


@login_required
def young_person_new(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.YOUTH_MANAGE)
    form = YoungPersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            yp = services.young_person_register(
                actor=request.user,
                primary=form.cleaned_data["primary"],
                data=form.person_data(),
                facts=form.facts(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s is on the register.") % {"name": yp.person})
            return redirect("youth:person", pk=yp.pk)
    return render(request, "youth/person_form.html", {"form": form})


@login_required
def young_person(request: HttpRequest, pk: int) -> HttpResponse:
    yp = selectors.young_person_get(request.user, pk)
    can_manage = has_perm_at(request.user, Perm.YOUTH_MANAGE, yp.primary.path)
    initial = {name: getattr(yp, name) for name in FactsForm.base_fields}
    form = FactsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                services.young_person_update(actor=request.user, yp=yp, facts=form.facts())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("youth:person", pk=pk)
    return render(
        request,
        "youth/person.html",
        {
            "yp": yp,
            "status": YouthStatus(derive_status(yp)),
            "age": selectors.age_of(yp),
            "form": form,
            "can_manage": can_manage,
            "cases": yp.cases.select_related("worker"),
            "open_case": yp.cases.filter(status="open").first(),
            "eligibility": selectors.eligibility_table(yp),
            "case_form": CaseForm(workers=_workers(yp)),
        },
    )


@login_required
@require_POST
def case_open(request: HttpRequest, pk: int) -> HttpResponse:
    yp = selectors.young_person_get(request.user, pk, perm=Perm.YOUTH_MANAGE)
    form = CaseForm(request.POST, workers=_workers(yp))
    if form.is_valid():
        try:
            case = services.case_open(actor=request.user, yp=yp, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The case is opened."))
            return redirect("youth:case", pk=case.pk)
    else:
        messages.error(request, _("Check the form."))
    return redirect("youth:person", pk=pk)


def _case_context(request, case, **forms) -> dict:
    yp = case.young_person
    measures = selectors.measures_for(yp.primary)
    may_manage = has_perm_at(request.user, Perm.YOUTH_MANAGE, yp.primary.path)
    return {
        "case": case,
        "yp": yp,
        "status": YouthStatus(derive_status(yp)),
        "age": selectors.age_of(yp),
        "can_manage": may_manage and case.status == "open",
        # A placement is checked 3 and 6 months on, usually after the case was closed as
        # placed: the check stays possible on a closed case.
        "can_check": may_manage,
        "referrals": case.referrals.select_related("measure"),
        "placements": case.placements.select_related("referral__measure"),
        "notes": case.notes.select_related("author"),
        "eligibility": selectors.eligibility_table(yp),
        "case_form": forms.get("case_form")
        or CaseForm(
            workers=_workers(yp),
            initial={
                "needs": case.needs,
                "assessment": case.assessment,
                "plan": case.plan,
                "next_followup": case.next_followup,
                "worker": case.worker_id,
            },
        ),
        "note_form": forms.get("note_form") or NoteForm(),
        "referral_form": forms.get("referral_form") or ReferralForm(measures=measures),
        "placement_form": forms.get("placement_form") or PlacementForm(case=case),
        "close_form": forms.get("close_form") or CloseForm(),
        "history": selectors.case_history(case),
        "today": timezone.localdate(),
    }


@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk)
    pii_view_record(actor=request.user, person=case.young_person.person, what="youth case")
    return render(request, "youth/case.html", _case_context(request, case))


# The case page's forms that are shown again, with their errors, when they do not validate.
_CASE_FORMS = {
    "update": "case_form",
    "note": "note_form",
    "refer": "referral_form",
    "place": "placement_form",
    "close": "close_form",
}


def _case_actions(request: HttpRequest, case) -> dict[str, FormAction]:
    actor = request.user
    workers = _workers(case.young_person)
    measures = selectors.measures_for(case.young_person.primary)

    def move(data: dict):
        referral = get_or_404(case.referrals.all(), pk=request.POST.get("referral"))
        return services.referral_move(actor=actor, referral=referral, **data)

    def check(data: dict):
        placement = get_or_404(case.placements.all(), pk=request.POST.get("placement"))
        return services.placement_check(actor=actor, placement=placement, **data)

    return {
        "update": FormAction(
            form=lambda post, files: CaseForm(post, workers=workers),
            handle=lambda data: services.case_update(actor=actor, case=case, **data),
        ),
        "note": FormAction(
            form=lambda post, files: NoteForm(post),
            handle=lambda data: services.case_note_add(actor=actor, case=case, **data),
        ),
        "refer": FormAction(
            form=lambda post, files: ReferralForm(post, measures=measures),
            handle=lambda data: services.referral_create(actor=actor, case=case, **data),
        ),
        "move": FormAction(form=lambda post, files: ReferralMoveForm(post), handle=move),
        "place": FormAction(
            form=lambda post, files: PlacementForm(post, case=case),
            handle=lambda data: services.placement_record(actor=actor, case=case, **data),
        ),
        "check": FormAction(form=lambda post, files: CheckForm(post), handle=check),
        "close": FormAction(
            form=lambda post, files: CloseForm(post),
            handle=lambda data: services.case_close(actor=actor, case=case, reason=data["reason"]),
        ),
    }


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The case page's forms: update, note, refer, move a referral, place, check, close."""
    case = selectors.case_get(request.user, pk, perm=Perm.YOUTH_MANAGE)
    result = form_action(request, _case_actions(request, case), action)
    if result.ok:
        messages.success(request, _("Saved."))
        return redirect("youth:case", pk=pk)
    if action in _CASE_FORMS and not result.errors:
        messages.error(request, _("The action was not done: see the form below."))
        return render(
            request,
            "youth/case.html",
            _case_context(
                request, selectors.case_get(request.user, pk), **{_CASE_FORMS[action]: result.form}
            ),
        )
    messages.error(request, " ".join(result.messages()))
    return redirect("youth:case", pk=pk)


@login_required
def followups(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.YOUTH_VIEW)
    return render(
        request,
        "youth/followups.html",
        {**selectors.followups_due(request.user), "today": timezone.localdate()},
    )


@login_required
@replica_reads
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.YOUTH_VIEW)
    data = selectors.dashboard(request.user)
    if request.GET.get("format") == "xlsx":
        rows = [
            [_("Young people"), "", data.total],
            [_("NEET"), "", data.neet],
            [_("Cases open"), "", data.cases_open],
            [_("Cases with a placement"), "", data.cases_placed],
            [_("Placement rate, %"), "", _pct(data.placement_rate)],
            [_("Median days to placement"), "", data.median_days_to_placement],
            [_("Placements that lasted 6 months, %"), "", _pct(data.lasted_6m_share)],
        ]
        rows += [[_("NEET by settlement"), name, n] for name, n in data.neet_by_settlement]
        rows += [
            [_("Referrals by measure"), name, c["total"]] for name, c in data.referrals_by_measure
        ]
        return xlsx_response(
            "youth-dashboard.xlsx", _("Youth"), [_("Figure"), _("Name"), _("Value")], rows
        )
    chart = {
        "labels": [n for n, _c in data.neet_by_settlement],
        "values": [c for _n, c in data.neet_by_settlement],
        "percent": False,
        "label": _("NEET"),
    }
    referrals_chart = {
        "labels": [n for n, _c in data.referrals_by_measure],
        "values": [c["total"] for _n, c in data.referrals_by_measure],
        "percent": False,
        "label": _("referred"),
    }
    return render(
        request,
        "youth/dashboard.html",
        {"d": data, "chart": chart, "referrals_chart": referrals_chart},
    )


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)
