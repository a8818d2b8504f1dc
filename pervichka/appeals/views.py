"""Staff pages of appeals: queue, intake, the appeal's card and its transitions, offices and
field receptions. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.appeals import exporting, selectors, services
from pervichka.appeals.enums import OPEN_STATUSES, TRANSITIONS, Action, Channel, Status
from pervichka.appeals.forms import (
    AnswerForm,
    AppealFilterForm,
    AssignForm,
    ExtendForm,
    FieldReceptionForm,
    IntakeForm,
    RateForm,
    ReasonForm,
    ReceptionOfficeForm,
    RedirectForm,
)
from pervichka.appeals.models import FieldReception, ReceptionOffice
from pervichka.core import freshness
from pervichka.core.actions import FormAction, form_action
from pervichka.core.dbrouter import replica_reads
from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere, has_perm_at, scope_signature
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import district_of
from pervichka.people.access import pii_view_record, records_export
from pervichka.people.services import person_lookup as find_person_by_iin
from pervichka.people.services import records_transfer_requests

# How far a queue's tab counts, and how long its choices and counts may stay cached with no
# write (a write makes them fresh at once).
QUEUE_CAP = 999
CHOICES_SECONDS = 3600


def _require_anywhere(user, perm: Perm) -> None:
    if not has_perm_anywhere(user, perm):
        raise Http404


def _filters(request: HttpRequest) -> tuple[selectors.AppealFilters, int]:
    form = AppealFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.AppealFilters(
        queue=data.get("queue") or "",
        q=data.get("q") or "",
        status=data.get("status") or "",
        category_id=data.get("category"),
        settlement_id=data.get("settlement"),
        unit_id=data.get("unit"),
        channel=data.get("channel") or "",
        received_from=data.get("received_from"),
        received_to=data.get("received_to"),
    ), data.get("page") or 1


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.APPEALS_VIEW)
    filters, page_number = _filters(request)
    user = request.user
    show_pii = has_perm_anywhere(user, Perm.APPEALS_PII)
    rows = selectors.appeals_page(user, filters, citizen=show_pii)
    page = CappedPaginator(rows, 50).get_page(page_number)
    # The filters' choices depend on the scope and the language alone, the queues' sizes on
    # the user: both are cached until the next write (core.freshness), so a page costs its own
    # query and count. Both are read in one round trip (a chair's page is mostly such fixed
    # costs).
    today = timezone.localdate()
    scope = scope_signature(user)
    choices_key = f"appeal-choices:{scope}:{get_language()}"
    counts_key = f"appeal-queues:{user.pk}:{scope}:{today}"
    cached = freshness.cached_fresh_many(
        {
            choices_key: (lambda: selectors.list_choices(user), CHOICES_SECONDS),
            counts_key: (lambda: selectors.queue_counts(user, QUEUE_CAP), CHOICES_SECONDS),
        }
    )
    choices, counts = cached[choices_key], cached[counts_key]
    context = {
        "page": page,
        "filters": filters,
        "today": today,
        "statuses": Status.choices,
        "channels": Channel.choices,
        **choices,
        "can_register": choices["can_register"] and has_perm_anywhere(user, Perm.APPEALS_MANAGE),
        "show_pii": show_pii,
        "counts": {queue: f"{QUEUE_CAP}+" if n > QUEUE_CAP else n for queue, n in counts.items()},
    }
    template = "appeals/appeal_list.html"
    if request.htmx and request.htmx.target == "appeal-table":
        template += "#appeal-table"
    return render(request, template, context)


@login_required
@replica_reads
@records_export("appeals export", Perm.APPEALS_VIEW)
def appeal_export(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.APPEALS_VIEW)
    filters, _page = _filters(request)
    response = HttpResponse(
        exporting.appeals_xlsx(request.user, selectors.appeals_list(request.user, filters)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="appeals-{stamp}.xlsx"'
    return response


@login_required
def appeal_new(request: HttpRequest) -> HttpResponse:
    """Intake at a reception office, a field reception, by phone or from a letter."""
    if not selectors.districts_for(request.user).exists():
        raise Http404
    form = IntakeForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=_intake_initial(request),
    )
    similar = []
    if request.method == "POST" and form.is_valid():
        district = form.cleaned_data["district"]
        try:
            with records_transfer_requests, transaction.atomic():
                appeal = services.appeal_register(
                    actor=request.user,
                    district=district,
                    data=form.person_data(form.cleaned_data.get("consent_method") or ""),
                    intake=form.intake(),
                    confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                )
                if form.cleaned_data["attachments"]:
                    services.attachments_add(
                        actor=request.user, appeal=appeal, uploads=form.cleaned_data["attachments"]
                    )
        except services.DuplicateSuspected as exc:
            similar = exc.similar
            form.add_error(None, exc)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Appeal %(number)s is registered.") % {"number": appeal.number}
            )
            return redirect("appeals:detail", pk=appeal.pk)
    return render(request, "appeals/appeal_form.html", {"form": form, "similar": similar})


def _intake_initial(request: HttpRequest) -> dict:
    initial = {}
    if request.GET.get("field_reception", "").isdigit():
        initial["field_reception"] = int(request.GET["field_reception"])
        initial["channel"] = Channel.FIELD
    return initial


@login_required
def person_lookup(request: HttpRequest) -> HttpResponse:
    """As the operator types an IIN: who this is, and their earlier appeals (HTMX)."""
    if not selectors.districts_for(request.user).exists():
        raise Http404
    iin = (request.GET.get("iin") or "").strip()
    person = None
    earlier = []
    if len(iin) == 12 and iin.isdigit():
        # A person kept outside the user's scope is answered exactly like nobody.
        try:
            person = find_person_by_iin(actor=request.user, iin=iin)
        except ValidationError:  # too many lookups: say nothing, like for nobody
            person = None
        if person is not None:
            earlier = selectors.person_appeals(request.user, person)[:10]
    return render(
        request, "appeals/person_lookup.html", {"person": person, "earlier": earlier, "iin": iin}
    )


def _detail_context(request: HttpRequest, appeal, forms: dict, open_action: str = "") -> dict:
    today = timezone.localdate()
    return {
        "appeal": appeal,
        "show_pii": selectors.can_read_pii(request.user, appeal),
        "can_manage": bool(forms),
        "can_return": has_perm_at(request.user, Perm.APPEALS_MANAGE, appeal.district.path),
        # A district's field reception is out of a primary chair's scope: no link to a 404.
        "can_open_reception": appeal.field_reception is not None
        and has_perm_at(request.user, Perm.APPEALS_VIEW, appeal.field_reception.unit.path),
        # The earlier appeal may have gone to another primary.
        "can_open_repeat": appeal.repeat_of_id is not None
        and selectors.appeals_visible(request.user).filter(pk=appeal.repeat_of_id).exists(),
        "events": appeal.events.select_related("actor"),
        "attachments": appeal.attachments.all(),
        "earlier": selectors.person_appeals(request.user, appeal.person).exclude(pk=appeal.pk)[:10],
        "allowed": {a for a, (sources, _to) in TRANSITIONS.items() if appeal.status in sources},
        "forms": forms,
        "open_action": open_action,
        "today": today,
        "overdue": appeal.status in OPEN_STATUSES and appeal.due_date < today,
        # Whether it is ours is decided before the work starts: 3 working days by default.
        "redirect_due": (
            appeal.redirect_due_date
            if appeal.status in (Status.REGISTERED, Status.ASSIGNED)
            else None
        ),
        "redirect_late": appeal.redirect_due_date < today,
    }


@login_required
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(request.user, pk)
    if selectors.can_read_pii(request.user, appeal):
        pii_view_record(actor=request.user, person=appeal.person, what=f"appeal {appeal.number}")
    forms = _action_forms(request, appeal) if selectors.can_manage(request.user, appeal) else {}
    return render(request, "appeals/appeal_detail.html", _detail_context(request, appeal, forms))


# The card's form of each step, with its prefix; START is one button and has none.
_ACTION_FORMS = {
    Action.ASSIGN: (AssignForm, "assign"),
    Action.EXTEND: (ExtendForm, "extend"),
    Action.REDIRECT: (RedirectForm, "redirect"),
    Action.ANSWER: (AnswerForm, "answer"),
    Action.RETURN: (ReasonForm, "return"),
    Action.CLOSE: (ReasonForm, "close"),
    Action.REOPEN: (ReasonForm, "reopen"),
    Action.SATISFACTION: (RateForm, "rate"),
}


def _action_form(request: HttpRequest, appeal, action: str, *args, **kwargs):
    form_class, prefix = _ACTION_FORMS[action]
    if form_class is AssignForm:
        kwargs.update(user=request.user, appeal=appeal)
    return form_class(*args, prefix=prefix, **kwargs)


def _action_forms(request: HttpRequest, appeal, bound: tuple[str, object] | None = None):
    forms = {
        action: _action_form(
            request,
            appeal,
            action,
            initial={
                "unit": appeal.unit,
                "person": appeal.assigned_person,
                "user": appeal.assigned_user,
            }
            if action == Action.ASSIGN
            else None,
        )
        for action in _ACTION_FORMS
    }
    if bound:
        forms[bound[0]] = bound[1]
    return forms


def _appeal_actions(request: HttpRequest, appeal) -> dict[str, FormAction]:
    """Every step of the workflow the card offers, each through the one service dispatcher."""

    def step(action: str) -> FormAction:
        return FormAction(
            form=(
                (lambda post, files: _action_form(request, appeal, action, post))
                if action in _ACTION_FORMS
                else None
            ),
            handle=lambda data: services.appeal_act(
                actor=request.user, appeal=appeal, action=action, data=data
            ),
        )

    return {action: step(action) for action in Action.values if action != Action.REGISTER}


@login_required
@require_POST
def appeal_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One transition of the appeal, from the card's action forms."""
    appeal = selectors.appeal_get(request.user, pk, perm=Perm.APPEALS_MANAGE)
    result = form_action(request, _appeal_actions(request, appeal), action)
    if result.errors:
        # Not about a field (an illegal transition, say): tell it plainly.
        messages.error(request, " ".join(result.errors))
        return redirect("appeals:detail", pk=pk)
    if not result.ok:
        messages.error(request, _("The action was not done: see the form below."))
        appeal = selectors.appeal_get(request.user, pk)
        context = _detail_context(
            request, appeal, _action_forms(request, appeal, bound=(action, result.form)), action
        )
        return render(request, "appeals/appeal_detail.html", context)
    messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
    return redirect("appeals:detail", pk=pk)


@login_required
def appeal_coupon(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable coupon handed to the citizen: number, code, dates. No personal data."""
    appeal = selectors.appeal_get(request.user, pk)
    return render(request, "appeals/coupon.html", {"appeal": appeal, "staff": True})


@login_required
@require_POST
def attachments_add(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.appeal_get(request.user, pk, perm=Perm.APPEALS_MANAGE)
    try:
        services.attachments_add(
            actor=request.user, appeal=appeal, uploads=request.FILES.getlist("files")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The files are attached."))
    return redirect("appeals:detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, token: str) -> FileResponse:
    appeal = selectors.appeal_get(request.user, pk, perm=Perm.APPEALS_PII)
    attachment = get_or_404(appeal.attachments.all(), token=token)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
def overdue_report(request: HttpRequest) -> HttpResponse:
    """For the district head: open and overdue appeals per organization."""
    _require_anywhere(request.user, Perm.APPEALS_VIEW)
    rows = selectors.overdue_by_primary(request.user)
    return render(
        request,
        "appeals/overdue.html",
        {
            "rows": rows,
            "total_open": sum(r["open"] for r in rows),
            "total_overdue": sum(r["overdue"] for r in rows),
        },
    )


# --- reception offices and field receptions ----------------------------------------------


def _admin_district(request: HttpRequest) -> OrgUnit:
    district = selectors.districts_for(request.user, perm=Perm.APPEALS_ADMIN).first()
    if district is None:
        raise Http404
    return district


@login_required
def receptions(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.APPEALS_VIEW)
    now = timezone.now()
    receptions = selectors.field_receptions_for(request.user)
    return render(
        request,
        "appeals/receptions.html",
        {
            "upcoming": receptions.filter(starts_at__gte=now).order_by("starts_at"),
            "past": receptions.filter(starts_at__lt=now).order_by("-starts_at")[:50],
            "offices": selectors.offices_for(request.user),
            "can_admin": has_perm_anywhere(request.user, Perm.APPEALS_ADMIN),
        },
    )


@login_required
def reception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reception = get_or_404(selectors.field_receptions_for(request.user), pk=pk)
    appeals = (
        selectors.appeals_visible(request.user)
        .filter(field_reception=reception)
        .select_related("category")
    )
    return render(
        request,
        "appeals/reception_detail.html",
        {
            "reception": reception,
            "appeals": appeals,
            "can_admin": has_perm_at(request.user, Perm.APPEALS_ADMIN, reception.unit.path),
            "can_register": has_perm_at(request.user, Perm.APPEALS_MANAGE, reception.unit.path),
            "show_pii": has_perm_at(request.user, Perm.APPEALS_PII, reception.unit.path),
        },
    )


@login_required
def reception_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        district = _admin_district(request)
        reception = FieldReception(unit=district)
    else:
        reception = get_or_404(
            selectors.field_receptions_for(request.user, perm=Perm.APPEALS_ADMIN), pk=pk
        )
        district = district_of(reception.unit)
    form = FieldReceptionForm(
        request.POST or None, instance=reception, user=request.user, district=district
    )
    if request.method == "POST" and form.is_valid():
        try:
            reception = services.field_reception_save(
                actor=request.user,
                reception=form.save(commit=False),
                hosts=form.cleaned_data["hosts"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The field reception is saved."))
            return redirect("appeals:reception", pk=reception.pk)
    return render(request, "appeals/reception_form.html", {"form": form, "reception": reception})


@login_required
def office_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        district = _admin_district(request)
        office = ReceptionOffice(unit=district)
    else:
        office = get_or_404(selectors.offices_for(request.user, perm=Perm.APPEALS_ADMIN), pk=pk)
        # An office kept above the districts (a region's) lists its own settlements.
        district = district_of(office.unit) or office.unit
    form = ReceptionOfficeForm(request.POST or None, instance=office, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            services.reception_office_save(actor=request.user, office=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The reception office is saved."))
            return redirect("appeals:receptions")
    return render(request, "appeals/office_form.html", {"form": form, "office": office})
