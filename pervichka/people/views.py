"""The member registry: thin views over people.selectors, people.services, people.importing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core import freshness
from pervichka.core.dbrouter import replica_reads
from pervichka.core.exporting import download
from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere, has_perm_at, scope_signature
from pervichka.orgs.selectors import primaries_for
from pervichka.people import exporting, history, importing, selectors, services
from pervichka.people.access import pii_view_record, records_export
from pervichka.people.consent_forms import ConsentForm
from pervichka.people.enums import DuesCategory, ImportStatus, MembershipStatus
from pervichka.people.forms import (
    ArchiveForm,
    ImportForm,
    ImportMappingForm,
    MemberEditForm,
    MemberFilterForm,
    MemberForm,
)
from pervichka.people.models import MemberImport


def _require_anywhere(user, perm: Perm) -> None:
    if not has_perm_anywhere(user, perm):
        raise Http404


def _filters(request: HttpRequest) -> tuple[selectors.MemberFilters, int]:
    form = MemberFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data if form.is_valid() else {}
    return (
        selectors.MemberFilters(
            q=data.get("q") or "", primary_id=data.get("primary"), status=data.get("status") or ""
        ),
        data.get("page") or 1,
    )


def _primary_options(user, selected: int | None) -> SafeString:
    """The primaries filter's `<option>`s. The same for every holder of one role set in one
    language: rendered once and cached as HTML per scope until the next write. A national
    administrator's list has 10,000 of them; rendering them in the template loop, and
    unpickling the cached units, took 1.4 s of CPU a request (bench/NOTES.md, stop 24)."""
    options = freshness.cached_fresh(
        f"member-primary-options:{scope_signature(user)}:{get_language()}",
        lambda: format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((p.pk, str(p)) for p in primaries_for(user, perm=Perm.MEMBERS_VIEW)),
        ),
        3600,
    )
    if selected is None:
        return mark_safe(options)
    selected = int(selected)  # into markup unescaped: an int whatever the caller passes
    chosen = f'<option value="{selected}">'
    return mark_safe(options.replace(chosen, f'<option value="{selected}" selected>', 1))


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    """The registry with search and filters; typing in the search box swaps the table only."""
    _require_anywhere(request.user, Perm.MEMBERS_VIEW)
    filters, page_number = _filters(request)
    paginator = CappedPaginator(selectors.members_list(request.user, filters), 25)
    page = paginator.get_page(page_number)
    context = {
        "page": page,
        "filters": filters,
        "primary_options": _primary_options(request.user, filters.primary_id),
        "statuses": MembershipStatus.choices,
        "can_manage": has_perm_anywhere(request.user, Perm.MEMBERS_MANAGE),
    }
    template = "people/member_list.html"
    if request.htmx and request.htmx.target == "member-table":
        template += "#member-table"
    return render(request, template, context)


@login_required
@replica_reads
@records_export("members export", Perm.MEMBERS_VIEW)
def member_export(request: HttpRequest) -> HttpResponse:
    """Exactly the rows the list shows for the same filters, every page of them."""
    _require_anywhere(request.user, Perm.MEMBERS_VIEW)
    filters, _page = _filters(request)
    queryset = selectors.members_list(request.user, filters)
    response = HttpResponse(
        exporting.members_xlsx(request.user, queryset),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="members-{stamp}.xlsx"'
    return response


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(request.user, pk)
    person = membership.person
    if selectors.can_see_pii(request.user, person):
        pii_view_record(actor=request.user, person=person, what="member card")
    context = {
        "membership": membership,
        "person": person,
        "iin": selectors.iin_for(request.user, person, full=True),
        "show_pii": selectors.can_see_pii(request.user, person),
        "can_manage": has_perm_at(request.user, Perm.MEMBERS_MANAGE, membership.primary.path),
        "can_history": has_perm_at(request.user, Perm.PEOPLE_HISTORY, person.unit.path),
        "can_dues": has_perm_at(request.user, Perm.DUES_VIEW, membership.primary.path),
        "other_memberships": selectors.person_memberships(request.user, person).exclude(
            pk=membership.pk
        ),
        # The consent register (issue 13): every purpose, with withdrawal where one manages.
        "consents": selectors.consents_of(request.user, person),
        "can_consent": has_perm_at(request.user, Perm.PEOPLE_MANAGE, person.unit.path),
        "consent_form": ConsentForm(),
    }
    return render(request, "people/member_detail.html", context)


@login_required
def member_add(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.MEMBERS_MANAGE)
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_register(
                actor=request.user,
                primary=form.cleaned_data["primary"],
                data=form.person_data(),
                joined=form.cleaned_data["joined"],
                card_number=form.cleaned_data["card_number"],
                dues_category=form.cleaned_data["dues_category"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("%(name)s is now a member.") % {"name": membership.person.full_name}
            )
            return redirect("people:detail", pk=membership.pk)
    return render(request, "people/member_form.html", {"form": form, "editing": False})


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(request.user, pk, perm=Perm.MEMBERS_MANAGE)
    person = membership.person
    initial = {
        "iin": person.iin,
        "surname": person.surname,
        "name": person.name,
        "patronymic": person.patronymic,
        "phone": person.phone,
        "email": person.email,
        "settlement": person.settlement,
        "address": person.address,
        "primary": membership.primary,
        "joined": membership.joined,
        "card_number": membership.card_number or "",
        "status": membership.status,
        "dues_category": membership.dues_category,
    }
    form = MemberEditForm(request.POST or None, user=request.user, initial=initial)
    if membership.status == MembershipStatus.ARCHIVED:
        messages.error(request, _("An archived membership cannot be edited."))
        return redirect("people:detail", pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user,
                membership=membership,
                data=form.person_data(),
                primary=form.cleaned_data["primary"],
                joined=form.cleaned_data["joined"],
                card_number=form.cleaned_data["card_number"],
                status=form.cleaned_data["status"],
                dues_category=form.cleaned_data["dues_category"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("people:detail", pk=pk)
    return render(
        request,
        "people/member_form.html",
        {"form": form, "editing": True, "membership": membership},
    )


@login_required
def member_archive(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(request.user, pk, perm=Perm.MEMBERS_MANAGE)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_archive(
                actor=request.user,
                membership=membership,
                left=form.cleaned_data["left"],
                reason=form.cleaned_data["leave_reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The membership has been archived."))
            return redirect("people:detail", pk=pk)
    return render(request, "people/member_archive.html", {"form": form, "membership": membership})


@login_required
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who changed what and when, for a person and their memberships."""
    person = selectors.person_get(request.user, pk, perm=Perm.PEOPLE_HISTORY)
    show_pii = selectors.can_see_pii(request.user, person)
    return render(
        request,
        "people/person_history.html",
        {
            "person": person,
            "entries": history.person_history(request.user, person, show_pii=show_pii),
        },
    )


# --- import ----------------------------------------------------------------------------


@login_required
def member_import(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.MEMBERS_MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.member_import_upload(
                actor=request.user,
                upload=form.cleaned_data["file"],
                default_primary=form.cleaned_data["default_primary"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("people:import_report", token=job.token)
    recent = selectors.imports_of(request.user)[:10]
    return render(request, "people/import_form.html", {"form": form, "recent": recent})


def _own_import(request: HttpRequest, token: str) -> MemberImport:
    return get_or_404(selectors.imports_of(request.user), token=token)


def _mapping_form(request: HttpRequest, job: MemberImport, data=None) -> ImportMappingForm:
    layout = importing.member_import_layout(actor=request.user, job=job)
    form = ImportMappingForm(
        data,
        headers=layout.headers,
        mapping=layout.mapping,
        choices=importing.mapping_choices(),
        initial={"header_row": layout.header_row},
    )
    form.rows = [
        (form[f"col{i}"], [sample[i] for sample in layout.samples if i < len(sample) and sample[i]])
        for i in range(len(layout.headers))
    ]
    return form


@login_required
def member_import_report(request: HttpRequest, token: str) -> HttpResponse:
    """Upload → the columns as read (the chair corrects them) → the check with its warnings
    (the chair decides) → the import. One page for the steps, by the import's status."""
    job = _own_import(request, token)
    if request.method == "POST" and job.status in (ImportStatus.UPLOADED, ImportStatus.CHECKED):
        if request.POST.get("action") == "header":
            try:
                row = int(request.POST.get("header_row") or 0)
                importing.member_import_relayout(actor=request.user, job=job, header_row=row)
            except (ValueError, ValidationError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("people:import_report", token=token)
        form = _mapping_form(request, job, request.POST)
        if form.is_valid():
            try:
                importing.member_import_map(actor=request.user, job=job, mapping=form.mapping())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return redirect("people:import_report", token=token)
        return render(request, "people/import_mapping.html", {"job": job, "form": form})
    if job.status == ImportStatus.UPLOADED or (
        job.status == ImportStatus.CHECKED and request.GET.get("step") == "columns"
    ):
        form = _mapping_form(request, job)
        return render(request, "people/import_mapping.html", {"job": job, "form": form})
    notes = job.notes or {}
    context = {
        "job": job,
        "groups": importing.warning_groups(job),
        "refused": importing.refused_to_fix(job),
        "members": importing.already_members(job),
        "notes": notes,
        "unused": notes.get("unused") or [],
        "categories": [
            (DuesCategory(k).label, v) for k, v in (notes.get("categories") or {}).items()
        ],
        "mapped": [
            (job.columns[i] or i + 1, importing.column_label(k))
            for i, k in enumerate(job.mapping)
            if k and k != "number" and i < len(job.columns)
        ],
    }
    return render(request, "people/import_report.html", context)


@login_required
@require_POST
def member_import_decide(request: HttpRequest, token: str) -> HttpResponse:
    job = _own_import(request, token)
    try:
        if request.POST.get("decision") == "import":
            job = importing.member_import_confirm(
                actor=request.user,
                job=job,
                decisions=importing.clean_decisions(request.POST.dict()),
            )
            messages.success(
                request,
                _("Imported %(count)d members.") % {"count": job.imported_rows},
            )
        else:
            importing.member_import_cancel(actor=request.user, job=job)
            messages.info(request, _("Nothing was imported."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except IntegrityError:
        messages.error(
            request,
            _(
                "Someone changed the registry while the file was being imported, so nothing was "
                "imported. Check the file again."
            ),
        )
    return redirect("people:import_report", token=token)


@login_required
def member_import_refused(request: HttpRequest, token: str) -> HttpResponse:
    """The refused rows as the file had them, with a reason column, to fix and upload."""
    job = _own_import(request, token)
    return download(
        importing.member_import_refused_xlsx(actor=request.user, job=job),
        f"refused-{job.token[:8]}.xlsx",
    )


@login_required
def member_import_template(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.MEMBERS_MANAGE)
    return download(importing.member_import_template(), "members-template.xlsx")


@login_required
def transfers(request: HttpRequest) -> HttpResponse:
    """Requests to use persons' records: those the user keeps (to decide) and the user's own
    (their status only: nothing of the person is shown to the requester)."""
    _require_anywhere(request.user, Perm.PEOPLE_VIEW)
    context = {
        "to_decide": selectors.transfers_to_decide(request.user)[:200],
        "mine": selectors.transfers_requested_by(request.user)[:50],
    }
    return render(request, "people/transfers.html", context)


@login_required
@require_POST
def transfer_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "refuse"):
        raise Http404
    transfer = get_or_404(selectors.transfers_to_decide(request.user), pk=pk)
    try:
        services.person_transfer_decide(
            actor=request.user, transfer=transfer, approve=decision == "approve"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The request is approved.")
            if decision == "approve"
            else _("The request is refused."),
        )
    return redirect("people:transfers")
