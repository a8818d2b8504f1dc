"""Party projects over the API: the catalog and progress, events with participants and their
cost, and volunteers. Scoped like the pages. The plantings (greening) and the contest
(ideas) have routers of their own under the same /api/v1/projects paths."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.dates import EventDate
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere
from pervichka.dues.selectors import spending_visible
from pervichka.orgs.selectors import org_unit_get, settlements_for
from pervichka.people.selectors import persons_visible
from pervichka.people.services import PersonData
from pervichka.projects import selectors, services
from pervichka.projects.enums import EventStatus, ParticipantRole, ProjectKind
from pervichka.projects.models import Event

router = Router(tags=["projects"])
# Query filters within what the database and the calendar can hold (fuzzing finds the rest).
YEAR = Query(0, ge=0, le=2100, description="0: any year")
ID = Query(0, ge=0, le=2_147_483_647, description="0: any")


class ProjectOut(Schema):
    id: int
    code: str
    kind: ProjectKind
    name: str
    goal: str


class ProgressOut(Schema):
    kpi: str
    label: str
    actual: float
    target: float | None
    percent: int | None


class ParticipationIn(Schema):
    primary_id: int = Field(..., ge=1, le=2_147_483_647)


class LeaveIn(Schema):
    left_on: dt.date | None = Field(None, description="Today when not given.")


class ParticipationOut(Schema):
    project: str
    primary_id: int
    primary: str
    joined_on: dt.date
    left_on: dt.date | None


class EventIn(Schema):
    project: str = Field(..., description="The project's code, e.g. tazalike.")
    primary_id: int
    title: str = Field(..., min_length=1, max_length=255)
    date: EventDate
    settlement_id: int | None = None
    place: str = Field("", max_length=255)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    description: str = Field("", max_length=10000)
    results: str = Field("", max_length=10000)


class EventOut(Schema):
    id: int
    project: str
    primary_id: int
    title: str
    date: dt.date
    status: EventStatus
    settlement_id: int | None
    place: str
    latitude: Decimal | None
    longitude: Decimal | None
    description: str
    results: str
    spending_id: int | None
    cost: Decimal | None = Field(None, description="The approved spending, when there is one.")


class StatusIn(Schema):
    status: EventStatus
    results: str = Field("", max_length=10000)


class ParticipantIn(Schema):
    person_id: int | None = Field(None, description="A person already in the registry...")
    iin: str | None = Field(None, max_length=12, description="...or found or registered by IIN")
    surname: str = Field("", max_length=100)
    name: str = Field("", max_length=100)
    patronymic: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    consent_method: str = Field("", max_length=20)
    role: ParticipantRole = ParticipantRole.VOLUNTEER
    hours: Decimal = Field(Decimal(0), ge=0, le=24)


class ParticipantOut(Schema):
    id: int
    person_id: int
    name: str
    role: ParticipantRole
    hours: Decimal


class SpendingLinkIn(Schema):
    spending_id: int


class VolunteerOut(Schema):
    person_id: int
    name: str
    events: int
    hours: Decimal
    last: dt.date | None


def _event_out(e: Event) -> dict:
    spending = e.spending
    return {
        "id": e.pk,
        "project": e.project.code,
        "primary_id": e.primary_id,
        "title": e.title,
        "date": e.date,
        "status": e.status,
        "settlement_id": e.settlement_id,
        "place": e.place,
        "latitude": e.latitude,
        "longitude": e.longitude,
        "description": e.description,
        "results": e.results,
        "spending_id": e.spending_id,
        "cost": spending.amount if spending and spending.status == "approved" else None,
    }


def _settlement(user, pk: int | None, perm: Perm = Perm.PROJECTS_MANAGE):
    return get_or_404(settlements_for(user, perm=perm), pk=pk) if pk else None


def _require(user, perm: Perm) -> None:
    if not has_perm_anywhere(user, perm):
        raise Http404


# --- catalog -----------------------------------------------------------------------------


@router.get("", response=list[ProjectOut], summary="The projects")
def list_projects(request):
    _require(actor(request), Perm.PROJECTS_VIEW)
    return [
        {"id": p.pk, "code": p.code, "kind": p.kind, "name": str(p), "goal": p.display_goal}
        for p in selectors.projects_active()
    ]


@router.get(
    "/{code}/progress/{unit_id}",
    response=list[ProgressOut],
    summary="A project's indicators in a year against the unit's targets",
)
def get_progress(request, code: str, unit_id: int, year: int = Query(0, ge=0, le=2100)):
    user = actor(request)
    _require(user, Perm.PROJECTS_VIEW)
    project = selectors.project_get(code)
    year = selectors.current_year_default(year)
    unit = org_unit_get(user, unit_id, perm=Perm.PROJECTS_VIEW)
    return [
        {
            "kpi": r.kpi,
            "label": str(r.label),
            "actual": r.actual,
            "target": r.target,
            "percent": r.percent,
        }
        for r in selectors.progress(project, unit, user, year)
    ]


def _participation_out(p) -> dict:
    return {
        "project": p.project.code,
        "primary_id": p.primary_id,
        "primary": str(p.primary),
        "joined_on": p.joined_on,
        "left_on": p.left_on,
    }


@router.post(
    "/{code}/participations",
    response={201: ParticipationOut},
    summary="A primary joins the project (again, if it had left)",
)
def join_project(request, code: str, payload: ParticipationIn):
    user = actor(request)
    project = selectors.project_get(code)
    primary = org_unit_get(user, payload.primary_id, perm=Perm.PROJECTS_MANAGE)
    participation = services.participation_join(actor=user, project=project, primary=primary)
    return Status(201, _participation_out(participation))


@router.post(
    "/{code}/participations/{primary_id}/leave",
    response=ParticipationOut,
    summary="A primary stops taking part in the project",
)
def leave_project(request, code: str, primary_id: int, payload: LeaveIn | None = None):
    user = actor(request)
    project = selectors.project_get(code)
    participation = selectors.participation_get(user, project, primary_id)
    participation = services.participation_leave(
        actor=user, participation=participation, left_on=payload.left_on if payload else None
    )
    return _participation_out(participation)


# --- events ------------------------------------------------------------------------------


@router.get("/events", response=list[EventOut], summary="Events in scope")
@paginate(Pagination)
def list_events(
    request,
    project: str = Query("", max_length=40),
    primary_id: int = ID,
    status: EventStatus | None = None,
):
    queryset = selectors.events_visible(actor(request))
    if project:
        queryset = queryset.filter(project__code=project)
    if primary_id:
        queryset = queryset.filter(primary_id=primary_id)
    if status:
        queryset = queryset.filter(status=status)
    return MappedPage(queryset, _event_out)


@router.post("/events", response={201: EventOut}, summary="Plan or record an event")
def create_event(request, payload: EventIn):
    user = actor(request)
    project = get_or_404(selectors.projects_active(), code=payload.project)
    primary = org_unit_get(user, payload.primary_id, perm=Perm.PROJECTS_MANAGE)
    event = services.event_create(
        actor=user,
        project=project,
        primary=primary,
        data=services.EventData(
            title=payload.title,
            date=payload.date,
            settlement=_settlement(user, payload.settlement_id),
            place=payload.place,
            latitude=payload.latitude,
            longitude=payload.longitude,
            description=payload.description,
            results=payload.results,
        ),
    )
    return Status(201, _event_out(event))


@router.get("/events/{event_id}", response=EventOut)
def get_event(request, event_id: int):
    return _event_out(selectors.event_get(actor(request), event_id))


@router.post("/events/{event_id}/status", response=EventOut, summary="Held, cancelled, planned")
def set_event_status(request, event_id: int, payload: StatusIn):
    user = actor(request)
    event = selectors.event_get(user, event_id, perm=Perm.PROJECTS_MANAGE)
    event = services.event_set_status(
        actor=user, event=event, status=payload.status, results=payload.results
    )
    return _event_out(selectors.event_get(user, event.pk))


@router.get("/events/{event_id}/participants", response=list[ParticipantOut])
def list_participants(request, event_id: int):
    event = selectors.event_get(actor(request), event_id)
    return [
        {
            "id": p.pk,
            "person_id": p.person_id,
            "name": p.person.full_name,
            "role": p.role,
            "hours": p.hours,
        }
        for p in event.participants.select_related("person")
    ]


@router.post(
    "/events/{event_id}/participants",
    response={201: ParticipantOut},
    summary="Add a participant or volunteer with their hours",
)
def add_participant(request, event_id: int, payload: ParticipantIn):
    user = actor(request)
    event = selectors.event_get(user, event_id, perm=Perm.PROJECTS_MANAGE)
    person, data = None, None
    if payload.person_id:
        person = get_or_404(persons_visible(user), pk=payload.person_id)
    else:
        data = PersonData(
            iin=payload.iin,
            surname=payload.surname,
            name=payload.name,
            patronymic=payload.patronymic,
            phone=payload.phone,
            consent_method=payload.consent_method,
        )
    p = services.participant_add(
        actor=user, event=event, role=payload.role, hours=payload.hours, person=person, data=data
    )
    return Status(
        201,
        {
            "id": p.pk,
            "person_id": p.person_id,
            "name": p.person.full_name,
            "role": p.role,
            "hours": p.hours,
        },
    )


@router.post(
    "/events/{event_id}/spending",
    response=EventOut,
    summary="Link a spending request of the primary's fund as the event's cost",
)
def link_spending(request, event_id: int, payload: SpendingLinkIn):
    user = actor(request)
    event = selectors.event_get(user, event_id, perm=Perm.PROJECTS_MANAGE)
    spending = get_or_404(spending_visible(user), pk=payload.spending_id)
    services.event_link_spending(actor=user, event=event, spending=spending)
    return _event_out(selectors.event_get(user, event.pk))


@router.get("/volunteers", response=list[VolunteerOut], summary="Volunteers and their hours")
@paginate(Pagination)
def list_volunteers(request, year: int = YEAR, q: str = Query("", max_length=100)):
    rows = selectors.volunteers(actor(request), year=year or None, q=q)
    return MappedPage(
        rows,
        lambda r: {
            "person_id": r["person_id"],
            "name": " ".join(
                filter(None, [r["person__surname"], r["person__name"], r["person__patronymic"]])
            ),
            "events": r["events"],
            "hours": r["hours"] or 0,
            "last": r["last"],
        },
    )
