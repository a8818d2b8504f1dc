"""Project pages for staff: the catalog and a project's progress, events with participants,
photos and cost, and volunteers. The plantings' pages are greening's and the contest's are
the ideas app's; what they add to these pages comes through `projects.parts`. Thin views
over selectors and services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.dbrouter import replica_reads
from pervichka.core.exporting import xlsx_response
from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere, has_perm_at
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import org_unit_get, primaries_for
from pervichka.people.access import records_export
from pervichka.projects import parts, selectors, services
from pervichka.projects.enums import EventStatus, ProjectKind
from pervichka.projects.forms import (
    EventForm,
    EventStatusForm,
    FundsForm,
    LinkSpendingForm,
    ParticipantForm,
    PhotoForm,
    TargetForm,
)


def _require_anywhere(user, perm: Perm) -> None:
    if not has_perm_anywhere(user, perm):
        raise Http404


def _year(request: HttpRequest) -> int:
    return selectors.current_year_default(request.GET.get("year"))


def _unit(request: HttpRequest) -> OrgUnit | None:
    """The org unit a page is about (?unit=), or None for the user's whole scope."""
    raw = request.GET.get("unit")
    if not raw:
        return selectors.default_unit(request.user)
    return org_unit_get(request.user, raw, perm=Perm.PROJECTS_VIEW)


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.PROJECTS_VIEW)
    year = _year(request)
    unit = _unit(request)
    cards = [
        (project, selectors.progress(project, unit, request.user, year))
        for project in selectors.projects_active()
    ]
    return render(
        request,
        "projects/catalog.html",
        {"cards": cards, "year": year, "unit": unit, "can_manage": _can_manage(request.user)},
    )


def _can_manage(user) -> bool:
    return has_perm_anywhere(user, Perm.PROJECTS_MANAGE)


@login_required
def project(request: HttpRequest, code: str) -> HttpResponse:
    _require_anywhere(request.user, Perm.PROJECTS_VIEW)
    project = selectors.project_get(code)
    if project.kind == ProjectKind.CONTEST:
        # Only moderators and the jury work on the contest's ideas; the others follow the
        # contest where residents do, on the portal.
        if has_perm_anywhere(request.user, Perm.PROJECTS_ADMIN) or has_perm_anywhere(
            request.user, Perm.IDEAS_JURY
        ):
            return redirect("ideas:ideas")
        return redirect("public:ideas")
    year, unit = _year(request), _unit(request)
    rows = selectors.progress(project, unit, request.user, year)
    events = selectors.under(selectors.events_visible(request.user), unit).filter(project=project)
    context = {
        "project": project,
        "year": year,
        "unit": unit,
        "rows": rows,
        "chart": {
            "labels": [str(r.label) for r in rows if r.target],
            "values": [r.percent for r in rows if r.target],
        },
        "months": {
            # Month names in the page's language (Django's own catalogue): "янв.", "қаң."…
            "labels": [date_format(dt.date(year, m, 1), "M") for m in range(1, 13)],
            "values": selectors.month_counts(events, year),
            "percent": False,
            "label": _("events held"),
        },
        "events": selectors.with_counts(events.filter(date__year=year))[:30],
        "can_manage": _can_manage(request.user),
        "can_admin": unit is not None and has_perm_at(request.user, Perm.PROJECTS_ADMIN, unit.path),
        "target_form": TargetForm(kpis=selectors.kpis_of(project)),
        **_participation_context(request.user, project, unit),
    }
    part = parts.part_for(project.kind)
    if part is not None and part.project_page is not None:
        context["part_section"] = part.project_page.template
        context.update(
            part.project_page.context(user=request.user, project=project, unit=unit, year=year)
        )
    return render(request, "projects/project.html", context)


def _participation_context(user, project, unit) -> dict:
    own = selectors.own_primaries(user, unit)
    joined = selectors.joined_primary_ids(user, project, own)
    return {
        "taking_part": selectors.participating_primaries(user, project, unit)[:200],
        "own_primaries": [(primary, primary.pk in joined) for primary in own],
    }


def _back_to_project(request: HttpRequest, project) -> HttpResponse:
    url = reverse("projects:project", args=[project.code])
    unit = request.POST.get("unit", "")
    return redirect(url + (f"?unit={unit}" if unit.isdigit() else ""))


@login_required
@require_POST
def participation_join(request: HttpRequest, code: str, primary: int) -> HttpResponse:
    project = selectors.project_get(code)
    primary = get_or_404(primaries_for(request.user, perm=Perm.PROJECTS_MANAGE), pk=primary)
    try:
        services.participation_join(actor=request.user, project=project, primary=primary)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(primary)s takes part in «%(project)s».")
            % {"primary": primary, "project": project},
        )
    return _back_to_project(request, project)


@login_required
@require_POST
def participation_leave(request: HttpRequest, code: str, primary: int) -> HttpResponse:
    project = selectors.project_get(code)
    participation = selectors.participation_get(request.user, project, primary)
    try:
        services.participation_leave(actor=request.user, participation=participation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(primary)s no longer takes part in «%(project)s».")
            % {"primary": participation.primary, "project": project},
        )
    return _back_to_project(request, project)


@login_required
@require_POST
def target_set(request: HttpRequest, code: str, unit: int) -> HttpResponse:
    project = selectors.project_get(code)
    unit = org_unit_get(request.user, unit, perm=Perm.PROJECTS_ADMIN)
    form = TargetForm(request.POST, kpis=selectors.kpis_of(project))
    year = _year(request)
    if form.is_valid():
        try:
            services.target_set(
                actor=request.user,
                project=project,
                unit=unit,
                year=year,
                kpi=form.cleaned_data["kpi"],
                target=form.cleaned_data["target"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The target is saved."))
    else:
        messages.error(request, _("Choose an indicator and give a target of zero or more."))
    return redirect(
        reverse("projects:project", args=[project.code]) + f"?unit={unit.pk}&year={year}"
    )


# --- events ------------------------------------------------------------------------------


@login_required
@replica_reads
def events(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.PROJECTS_VIEW)
    queryset = selectors.events_visible(request.user)
    year = request.GET.get("year")
    filters = {
        "project": request.GET.get("project", ""),
        "primary": request.GET.get("primary", ""),
        "status": request.GET.get("status", ""),
        "year": year or "",
    }
    if filters["project"]:
        queryset = queryset.filter(project__code=filters["project"])
    if filters["primary"].isdigit():
        queryset = queryset.filter(primary_id=int(filters["primary"]))
    if filters["status"] in EventStatus.values:
        queryset = queryset.filter(status=filters["status"])
    if year and year.isdigit():
        queryset = queryset.filter(date__year=int(year))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "events.xlsx",
            _("Events"),
            [
                _("Date"),
                _("Project"),
                _("Primary organization"),
                _("Title"),
                _("Status"),
                _("Settlement"),
                _("Participants"),
                _("Volunteer hours"),
                _("Spent, ₸"),
                _("Results"),
            ],
            (
                [
                    e.date,
                    str(e.project),
                    str(e.primary),
                    e.title,
                    e.get_status_display(),
                    str(e.settlement or ""),
                    e.n_people,
                    float(e.n_hours or 0),
                    float(e.spending.amount)
                    if e.spending and e.spending.status == "approved"
                    else 0,
                    e.results,
                ]
                for e in selectors.with_counts(queryset).iterator()
            ),
        )
    page = CappedPaginator(selectors.with_counts(queryset), 25).get_page(
        request.GET.get("page") or 1
    )
    return render(
        request,
        "projects/events.html",
        {
            "page": page,
            "filters": filters,
            "projects": selectors.projects_with_events(),
            "primaries": primaries_for(request.user, perm=Perm.PROJECTS_VIEW),
            "statuses": EventStatus.choices,
            "can_manage": _can_manage(request.user),
        },
    )


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.PROJECTS_MANAGE)
    initial = {}
    if request.GET.get("project"):
        initial["project"] = selectors.projects_active().filter(code=request.GET["project"]).first()
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                actor=request.user,
                project=form.cleaned_data["project"],
                primary=form.cleaned_data["primary"],
                data=form.event_data(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("projects:event", pk=event.pk)
    return render(request, "projects/event_new.html", {"form": form})


@login_required
def event(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    can_manage = has_perm_at(request.user, Perm.PROJECTS_MANAGE, event.primary.path)
    can_pii = has_perm_at(request.user, Perm.PEOPLE_PII, event.primary.path)
    forms = {}
    if can_manage:
        forms = {
            "edit_form": EventForm(
                user=request.user,
                editing=True,
                initial={
                    "title": event.title,
                    "date": event.date,
                    "settlement": event.settlement,
                    "place": event.place,
                    "latitude": event.latitude,
                    "longitude": event.longitude,
                    "description": event.description,
                    "results": event.results,
                },
            ),
            "status_form": EventStatusForm(initial={"status": event.status}),
            "participant_form": ParticipantForm(),
            "photo_form": PhotoForm(),
            "funds_form": FundsForm(initial={"purpose": event.title}),
            "link_form": LinkSpendingForm(event=event, user=request.user),
        }
    participants = selectors.event_participants(event)
    sections = parts.event_sections()
    added: dict = {}
    for section in sections:
        added.update(section.context(user=request.user, event=event))
    return render(
        request,
        "projects/event.html",
        {
            "event": event,
            "participants": participants,
            "totals": {"hours": selectors.event_volunteer_hours(participants)},
            "photos": event.photos.all(),
            "part_sections": [section.template for section in sections],
            **added,
            "can_manage": can_manage,
            "can_pii": can_pii,
            "can_request_funds": has_perm_at(request.user, Perm.DUES_RECORD, event.primary.path),
            **forms,
        },
    )


@login_required
@require_POST
def event_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    event = selectors.event_get(request.user, pk, perm=Perm.PROJECTS_MANAGE)
    handlers = {
        "edit": _event_edit,
        "status": _event_status,
        "participant": _participant_add,
        "remove": _participant_remove,
        "photo": _photo_add,
        "funds": _request_funds,
        "link": _link_spending,
        "unlink": _unlink_spending,
    }
    if action not in handlers:
        raise Http404
    try:
        note = handlers[action](request, event)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if note:
            messages.success(request, note)
    return redirect("projects:event", pk=event.pk)


def _invalid(form) -> ValidationError:
    """A form's errors as one message for the page the user returns to."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return ValidationError(parts)


def _event_edit(request, event) -> str:
    form = EventForm(request.POST, user=request.user, editing=True)
    if not form.is_valid():
        raise _invalid(form)
    services.event_update(actor=request.user, event=event, data=form.event_data())
    return _("The event is saved.")


def _event_status(request, event) -> str:
    form = EventStatusForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    services.event_set_status(
        actor=request.user,
        event=event,
        status=form.cleaned_data["status"],
        results=form.cleaned_data["results"],
    )
    return _("The status is now «%(status)s».") % {
        "status": EventStatus(form.cleaned_data["status"]).label
    }


def _participant_add(request, event) -> str:
    form = ParticipantForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    participant = services.participant_add(
        actor=request.user,
        event=event,
        role=form.cleaned_data["role"],
        hours=form.cleaned_data["hours"],
        data=form.person_data(form.cleaned_data.get("consent_method") or ""),
    )
    return _("%(name)s is added.") % {"name": participant.person}


def _participant_remove(request, event) -> str:
    participant = get_or_404(event.participants.all(), pk=request.POST.get("participant"))
    services.participant_remove(actor=request.user, participant=participant)
    return _("Removed from the event.")


def _photo_add(request, event) -> str:
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        raise _invalid(form)
    services.photo_add(
        actor=request.user,
        event=event,
        upload=form.cleaned_data["file"],
        caption=form.cleaned_data["caption"],
    )
    return _("The photo is added.")


def _request_funds(request, event) -> str:
    form = FundsForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    services.event_request_funds(
        actor=request.user,
        event=event,
        amount=form.cleaned_data["amount"],
        purpose=form.cleaned_data["purpose"],
    )
    return _("The request is sent to the district.")


def _link_spending(request, event) -> str:
    form = LinkSpendingForm(request.POST, event=event, user=request.user)
    if not form.is_valid():
        raise _invalid(form)
    services.event_link_spending(
        actor=request.user, event=event, spending=form.cleaned_data["spending"]
    )
    return _("The spending is linked to the event.")


def _unlink_spending(request, event) -> str:
    services.event_unlink_spending(actor=request.user, event=event)
    return _("The spending is no longer linked to the event.")


@login_required
def event_photo(request: HttpRequest, pk: int, photo: int) -> FileResponse:
    item = selectors.event_photo_get(request.user, pk, photo)
    name = item.file.name.rsplit("/", 1)[-1]
    content_type = "image/png" if name.lower().endswith(".png") else "image/jpeg"
    return FileResponse(item.file.open("rb"), filename=name, content_type=content_type)


# --- volunteers --------------------------------------------------------------------------


@login_required
@records_export("volunteers export", Perm.PROJECTS_VIEW)
@replica_reads
def volunteers(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.PROJECTS_VIEW)
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() else None
    q = request.GET.get("q", "")[:100]
    rows = selectors.volunteers(request.user, year=year, q=q)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "volunteers.xlsx",
            _("Volunteers"),
            [_("Name"), _("Events"), _("Hours"), _("Last event")],
            (
                [
                    " ".join(
                        filter(
                            None,
                            [r["person__surname"], r["person__name"], r["person__patronymic"]],
                        )
                    ),
                    r["events"],
                    float(r["hours"] or 0),
                    r["last"],
                ]
                for r in rows.iterator()
            ),
        )
    page = CappedPaginator(rows, 50).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "projects/volunteers.html",
        {"page": page, "year": year_raw, "q": q},
    )


@login_required
def volunteer(request: HttpRequest, person: int) -> HttpResponse:
    _require_anywhere(request.user, Perm.PROJECTS_VIEW)
    history = list(selectors.volunteer_history(request.user, person))
    if not history:
        raise Http404
    return render(
        request,
        "projects/volunteer.html",
        {
            "person": history[0].person,
            "history": history,
            "hours": sum((h.hours for h in history if h.event.status == EventStatus.HELD), 0),
        },
    )
