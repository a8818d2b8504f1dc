"""The member registry: thin views over people.selectors, people.services, people.importing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.dbrouter import replica_reads
from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere, has_perm_at
from pervichka.orgs.selectors import primaries_for
from pervichka.people import exporting, history, importing, selectors, services
from pervichka.people.access import pii_view_record, records_export
from pervichka.people.enums import MembershipStatus
from pervichka.people.forms import (
    ArchiveForm,
    ImportForm,
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
        "primaries": primaries_for(request.user, perm=Perm.MEMBERS_VIEW),
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
            job = importing.member_import_check(
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


@login_required
def member_import_report(request: HttpRequest, token: str) -> HttpResponse:
    job = _own_import(request, token)
    return render(request, "people/import_report.html", {"job": job})


@login_required
@require_POST
def member_import_decide(request: HttpRequest, token: str) -> HttpResponse:
    job = _own_import(request, token)
    try:
        if request.POST.get("decision") == "import":
            job = importing.member_import_confirm(actor=request.user, job=job)
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
def member_import_template(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.MEMBERS_MANAGE)
    response = HttpResponse(
        importing.member_import_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="members-template.xlsx"'
    return response


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
