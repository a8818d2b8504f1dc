"""Project pages for staff: the catalog and a project's progress, events with participants,
photos and cost, ТазаLike plantings on a map, volunteers, and the contest's moderation, jury
and shortlist. Thin views over selectors and services."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pervichka.core.exporting import xlsx_response
from pervichka.core.forms import apply_validation_error
from pervichka.core.paginator import CappedPaginator
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere, has_perm_at, scope_paths
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import org_units_visible, primaries_for
from pervichka.projects import selectors, services
from pervichka.projects.enums import VOLUNTEER_ROLES, EventStatus, IdeaStatus, ProjectKind
from pervichka.projects.forms import (
    EventForm,
    EventStatusForm,
    FundsForm,
    LinkSpendingForm,
    ModerateForm,
    ParticipantForm,
    PhotoForm,
    PlantingForm,
    SurvivalCheckForm,
    TargetForm,
)
from pervichka.projects.models import JuryScore


def _require_anywhere(user, perm: Perm) -> None:
    if not has_perm_anywhere(user, perm):
        raise Http404


def _year(request: HttpRequest) -> int:
    return selectors.current_year_default(request.GET.get("year"))


def _unit(request: HttpRequest) -> OrgUnit | None:
    """The org unit a page is about (?unit=), or None for the user's whole scope."""
    raw = request.GET.get("unit")
    if not raw:
        paths = scope_paths(request.user, Perm.PROJECTS_VIEW)
        if paths and len(paths) == 1:
            return OrgUnit.objects.filter(path=paths[0]).first()
        return None
    return get_or_404(org_units_visible(request.user, perm=Perm.PROJECTS_VIEW), pk=raw)


def _map_context() -> dict:
    return {
        "map_tiles": settings.PERVICHKA_MAP_TILES,
        "map_attribution": settings.PERVICHKA_MAP_ATTRIBUTION,
    }


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
            return redirect("projects:ideas")
        return redirect("public:ideas")
    year, unit = _year(request), _unit(request)
    rows = selectors.progress(project, unit, request.user, year)
    events = selectors.events_visible(request.user).filter(project=project)
    if unit is not None:
        events = events.filter(primary__path__startswith=unit.path)
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
        "events": _with_counts(events.filter(date__year=year))[:30],
        "can_manage": _can_manage(request.user),
        "can_admin": unit is not None and has_perm_at(request.user, Perm.PROJECTS_ADMIN, unit.path),
        "target_form": TargetForm(kpis=selectors.kpis_of(project)),
        **_participation_context(request.user, project, unit),
    }
    if project.kind == ProjectKind.GREENING:
        plantings = selectors.plantings_visible(request.user).filter(
            project=project, planted_on__year=year
        )
        if unit is not None:
            plantings = plantings.filter(primary__path__startswith=unit.path)
        context["points"] = selectors.map_points(plantings[:5000])
        context["by_settlement"], context["by_primary"] = selectors.planting_totals(
            plantings, project, year
        )
        context.update(_map_context())
    return render(request, "projects/project.html", context)


def _participation_context(user, project, unit) -> dict:
    own = selectors.own_primaries(user, unit)
    joined = set(
        selectors.participations_visible(user, perm=Perm.PROJECTS_MANAGE)
        .filter(project=project, left_on__isnull=True, primary__in=own)
        .values_list("primary_id", flat=True)
    )
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
    unit = get_or_404(org_units_visible(request.user, perm=Perm.PROJECTS_ADMIN), pk=unit)
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
                for e in _with_counts(queryset).iterator()
            ),
        )
    page = CappedPaginator(_with_counts(queryset), 25).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "projects/events.html",
        {
            "page": page,
            "filters": filters,
            "projects": selectors.projects_active().exclude(kind=ProjectKind.CONTEST),
            "primaries": primaries_for(request.user, perm=Perm.PROJECTS_VIEW),
            "statuses": EventStatus.choices,
            "can_manage": _can_manage(request.user),
        },
    )


def _with_counts(queryset):
    from django.db.models import Count

    return queryset.annotate(
        n_people=Count("participants"),
        n_hours=Sum("participants__hours", filter=Q(participants__role__in=VOLUNTEER_ROLES)),
    ).order_by("-date", "-pk")


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
            "link_form": LinkSpendingForm(event=event),
        }
    participants = event.participants.select_related("person").order_by(
        "person__surname", "person__name"
    )
    return render(
        request,
        "projects/event.html",
        {
            "event": event,
            "participants": participants,
            "totals": participants.aggregate(hours=Sum("hours", filter=selectors.GIVING)),
            "photos": event.photos.all(),
            "plantings": selectors.with_survival(event.plantings.select_related("settlement")),
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
    form = LinkSpendingForm(request.POST, event=event)
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
    event = selectors.event_get(request.user, pk)
    item = get_or_404(event.photos.all(), pk=photo)
    name = item.file.name.rsplit("/", 1)[-1]
    content_type = "image/png" if name.lower().endswith(".png") else "image/jpeg"
    return FileResponse(item.file.open("rb"), filename=name, content_type=content_type)


# --- ТазаLike -----------------------------------------------------------------------------


def _greening_project():
    return get_or_404(selectors.projects_active(), kind=ProjectKind.GREENING, code="tazalike")


@login_required
def plantings(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.PROJECTS_VIEW)
    project = _greening_project()
    year = _year(request)
    queryset = selectors.plantings_visible(request.user).filter(
        project=project, planted_on__year=year
    )
    primary = request.GET.get("primary", "")
    if primary.isdigit():
        queryset = queryset.filter(primary_id=int(primary))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"plantings-{year}.xlsx",
            _("Plantings"),
            [
                _("Planted on"),
                _("Primary organization"),
                _("Settlement"),
                _("Kind of site"),
                _("Species"),
                _("Number planted"),
                _("Alive at the latest check"),
                _("Checked on"),
                _("Latitude"),
                _("Longitude"),
                _("Who planted"),
            ],
            (
                [
                    p.planted_on,
                    str(p.primary),
                    str(p.settlement),
                    p.get_site_kind_display(),
                    p.species,
                    p.count,
                    p.alive,
                    p.last_checked_on,
                    float(p.latitude) if p.latitude is not None else None,
                    float(p.longitude) if p.longitude is not None else None,
                    p.planted_by,
                ]
                for p in queryset.iterator()
            ),
        )
    page = CappedPaginator(queryset, 25).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "projects/plantings.html",
        {
            "project": project,
            "page": page,
            "year": year,
            "primary": primary,
            "primaries": primaries_for(request.user, perm=Perm.PROJECTS_VIEW),
            "points": selectors.map_points(queryset[:5000]),
            "can_manage": _can_manage(request.user),
            **_map_context(),
        },
    )


SPECIES = ["берёза", "вяз", "тополь", "клён", "сосна", "ель", "ива", "сирень", "акация", "яблоня"]


@login_required
def planting_new(request: HttpRequest) -> HttpResponse:
    _require_anywhere(request.user, Perm.PROJECTS_MANAGE)
    project = _greening_project()
    form = PlantingForm(request.POST or None, user=request.user, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            planting = services.planting_create(
                actor=request.user,
                project=project,
                primary=form.cleaned_data["primary"],
                data=form.planting_data(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The planting is recorded."))
            return redirect("projects:planting", pk=planting.pk)
    return render(request, "projects/planting_new.html", {"form": form, "species": SPECIES})


@login_required
def planting(request: HttpRequest, pk: int) -> HttpResponse:
    planting = selectors.planting_get(request.user, pk)
    can_manage = has_perm_at(request.user, Perm.PROJECTS_MANAGE, planting.primary.path)
    form = SurvivalCheckForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                services.survival_check_add(
                    actor=request.user,
                    planting=planting,
                    checked_on=form.cleaned_data["checked_on"],
                    alive=form.cleaned_data["alive"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The check is recorded."))
                return redirect("projects:planting", pk=planting.pk)
    rate = services.survival_rate(planting.count, planting.alive)
    return render(
        request,
        "projects/planting.html",
        {
            "planting": planting,
            "checks": planting.checks.all(),
            "rate": None if rate is None else round(rate * 100),
            "points": selectors.map_points([planting]),
            "form": form,
            "can_manage": can_manage,
            **_map_context(),
        },
    )


# --- volunteers --------------------------------------------------------------------------


@login_required
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


# --- the ideas contest --------------------------------------------------------------------


def _contest_perm(user) -> Perm:
    if has_perm_anywhere(user, Perm.PROJECTS_ADMIN):
        return Perm.PROJECTS_ADMIN
    if has_perm_anywhere(user, Perm.IDEAS_JURY):
        return Perm.IDEAS_JURY
    raise Http404


@login_required
def ideas(request: HttpRequest) -> HttpResponse:
    perm = _contest_perm(request.user)
    contests = selectors.contests_visible(request.user, perm=perm)
    contest = None
    if request.GET.get("contest", "").isdigit():
        contest = get_or_404(contests, pk=request.GET["contest"])
    else:
        contest = contests.first()
    queryset = selectors.ideas_visible(request.user, perm=perm)
    if contest is not None:
        queryset = queryset.filter(contest=contest)
    status = request.GET.get("status", "")
    if status in IdeaStatus.values and perm == Perm.PROJECTS_ADMIN:
        queryset = queryset.filter(status=status)
    scored = set()
    if perm == Perm.IDEAS_JURY:
        scored = set(JuryScore.objects.filter(juror=request.user).values_list("idea_id", flat=True))
    page = CappedPaginator(queryset, 25).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "projects/ideas.html",
        {
            "page": page,
            "contest": contest,
            "contests": contests,
            "status": status,
            "statuses": IdeaStatus.choices,
            "is_admin": perm == Perm.PROJECTS_ADMIN,
            "scored": scored,
        },
    )


@login_required
def idea(request: HttpRequest, pk: int) -> HttpResponse:
    perm = _contest_perm(request.user)
    idea = get_or_404(selectors.ideas_visible(request.user, perm=perm), pk=pk)
    is_admin = has_perm_at(request.user, Perm.PROJECTS_ADMIN, idea.contest.district.path)
    is_juror = has_perm_at(request.user, Perm.IDEAS_JURY, idea.contest.district.path)
    criteria = list(idea.contest.criteria.all())
    mine = dict(
        JuryScore.objects.filter(idea=idea, juror=request.user).values_list("criterion_id", "score")
    )
    if request.method == "POST":
        try:
            note = _idea_post(request, idea, criteria, is_admin, is_juror)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, note)
            return redirect("projects:idea", pk=idea.pk)
    return render(
        request,
        "projects/idea.html",
        {
            "idea": idea,
            "is_admin": is_admin,
            "is_juror": is_juror and idea.status == IdeaStatus.PUBLISHED,
            "criteria": [(c, mine.get(c.pk)) for c in criteria],
            "moderate_form": ModerateForm(idea=idea) if is_admin else None,
            "can_pii": is_admin,
        },
    )


def _idea_post(request, idea, criteria, is_admin: bool, is_juror: bool) -> str:
    if request.POST.get("action") == "moderate":
        if not is_admin:
            raise Http404
        form = ModerateForm(request.POST, idea=idea)
        if not form.is_valid():
            raise _invalid(form)
        services.idea_moderate(
            actor=request.user,
            idea=idea,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
            merge_into=form.cleaned_data["merge_into"],
        )
        return _("The decision is saved; the author gets an SMS.")
    if request.POST.get("action") == "score":
        if not is_juror:
            raise Http404
        scores = {}
        for criterion in criteria:
            raw = request.POST.get(f"c{criterion.pk}", "")
            if not raw.strip().isdigit():
                raise ValidationError(_("Score the idea on every criterion."))
            scores[criterion.pk] = int(raw)
        services.jury_score(actor=request.user, idea=idea, scores=scores)
        return _("Your scores are saved.")
    raise Http404


@login_required
def shortlist(request: HttpRequest, contest: int) -> HttpResponse:
    perm = _contest_perm(request.user)
    contest = get_or_404(selectors.contests_visible(request.user, perm=perm), pk=contest)
    ranked = selectors.ranking(contest)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"shortlist-{contest.year}.xlsx",
            _("Shortlist"),
            [_("Place"), _("Idea"), _("Settlement"), _("Jury (0–10)"), _("Votes"), _("Score")],
            (
                [
                    r.rank,
                    r.idea.title,
                    str(r.idea.settlement),
                    r.jury,
                    r.votes,
                    round(r.combined, 4),
                ]
                for r in ranked
            ),
        )
    return render(
        request,
        "projects/shortlist.html",
        {
            "contest": contest,
            "ranked": ranked,
            "size": contest.shortlist_size,
            "formula": selectors.formula_text(contest),
        },
    )
