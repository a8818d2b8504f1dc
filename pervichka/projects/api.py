"""Party projects over the API: the catalog and progress, events with participants and their
cost, ТазаLike plantings and survival checks, volunteers, and the ideas contest (moderation,
jury, ranking). Scoped like the pages. The public router serves the portal's contest."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.ratelimit import client_ip, hit
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_anywhere
from pervichka.dues.models import SpendingRequest
from pervichka.dues.selectors import spending_visible
from pervichka.orgs.models import Settlement
from pervichka.orgs.selectors import org_unit_get, settlements_for
from pervichka.people.services import PersonData
from pervichka.projects import selectors, services
from pervichka.projects.enums import (
    EventStatus,
    IdeaStatus,
    ParticipantRole,
    ProjectKind,
    SiteKind,
)
from pervichka.projects.models import Event, Idea, Planting

router = Router(tags=["projects"])
# Query filters within what the database and the calendar can hold (fuzzing finds the rest).
YEAR = Query(0, ge=0, le=2100, description="0: any year")
ID = Query(0, ge=0, le=2_147_483_647, description="0: any")
public_router = Router(tags=["public"], auth=None)


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
    date: dt.date
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


class PlantingIn(Schema):
    primary_id: int
    planted_on: dt.date
    settlement_id: int
    species: str = Field(..., min_length=1, max_length=120)
    count: int = Field(..., ge=1, le=100000)
    site_kind: SiteKind
    planted_by: str = Field(..., min_length=1, max_length=255)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    event_id: int | None = None


class PlantingOut(Schema):
    id: int
    primary_id: int
    event_id: int | None
    planted_on: dt.date
    settlement_id: int
    species: str
    count: int
    site_kind: SiteKind
    latitude: Decimal | None
    longitude: Decimal | None
    planted_by: str
    alive: int | None
    checked_on: dt.date | None
    survival_rate: float | None


class CheckIn(Schema):
    checked_on: dt.date
    alive: int = Field(..., ge=0)
    note: str = Field("", max_length=255)


class VolunteerOut(Schema):
    person_id: int
    name: str
    events: int
    hours: Decimal
    last: dt.date | None


class IdeaOut(Schema):
    id: int
    code: str
    contest_id: int
    title: str
    text: str
    settlement_id: int
    status: IdeaStatus
    status_reason: str
    merged_into_id: int | None
    votes: int
    submitted_at: dt.datetime


class ModerateIn(Schema):
    to: IdeaStatus
    reason: str = Field("", max_length=5000)
    merge_into_id: int | None = None


class ScoresIn(Schema):
    scores: dict[int, int] = Field(..., description="criterion id → score")


class RankedOut(Schema):
    rank: int
    idea_id: int
    code: str
    title: str
    jury: float
    jurors: int
    votes: int
    score: float
    shortlisted: bool


class RankingOut(Schema):
    contest_id: int
    formula: str
    shortlist_size: int
    ideas: list[RankedOut]


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


def _planting_out(p: Planting) -> dict:
    rate = services.survival_rate(p.count, p.alive)
    return {
        "id": p.pk,
        "primary_id": p.primary_id,
        "event_id": p.event_id,
        "planted_on": p.planted_on,
        "settlement_id": p.settlement_id,
        "species": p.species,
        "count": p.count,
        "site_kind": p.site_kind,
        "latitude": p.latitude,
        "longitude": p.longitude,
        "planted_by": p.planted_by,
        "alive": p.alive,
        "checked_on": p.last_checked_on,
        "survival_rate": None if rate is None else round(rate, 4),
    }


def _idea_out(i: Idea) -> dict:
    return {
        "id": i.pk,
        "code": i.code,
        "contest_id": i.contest_id,
        "title": i.title,
        "text": i.text,
        "settlement_id": i.settlement_id,
        "status": i.status,
        "status_reason": i.status_reason,
        "merged_into_id": i.merged_into_id,
        "votes": i.votes_count,
        "submitted_at": i.submitted_at,
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
    from pervichka.people.selectors import persons_visible

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
    spending: SpendingRequest = get_or_404(spending_visible(user), pk=payload.spending_id)
    services.event_link_spending(actor=user, event=event, spending=spending)
    return _event_out(selectors.event_get(user, event.pk))


# --- ТазаLike -----------------------------------------------------------------------------


@router.get("/plantings", response=list[PlantingOut], summary="Plantings in scope")
@paginate(Pagination)
def list_plantings(request, year: int = YEAR, primary_id: int = ID):
    queryset = selectors.plantings_visible(actor(request))
    if year:
        queryset = queryset.filter(planted_on__year=year)
    if primary_id:
        queryset = queryset.filter(primary_id=primary_id)
    return MappedPage(queryset, _planting_out)


@router.post("/plantings", response={201: PlantingOut}, summary="Record a planting")
def create_planting(request, payload: PlantingIn):
    user = actor(request)
    project = get_or_404(selectors.projects_active(), kind=ProjectKind.GREENING)
    primary = org_unit_get(user, payload.primary_id, perm=Perm.PROJECTS_MANAGE)
    event = (
        selectors.event_get(user, payload.event_id, perm=Perm.PROJECTS_MANAGE)
        if payload.event_id
        else None
    )
    settlement: Settlement = _settlement(user, payload.settlement_id)
    planting = services.planting_create(
        actor=user,
        project=project,
        primary=primary,
        data=services.PlantingData(
            planted_on=payload.planted_on,
            settlement=settlement,
            species=payload.species,
            count=payload.count,
            site_kind=payload.site_kind,
            planted_by=payload.planted_by,
            latitude=payload.latitude,
            longitude=payload.longitude,
            event=event,
        ),
    )
    return Status(201, _planting_out(selectors.planting_get(user, planting.pk)))


@router.post(
    "/plantings/{planting_id}/checks",
    response={201: PlantingOut},
    summary="Record a survival check (how many are alive)",
)
def add_check(request, planting_id: int, payload: CheckIn):
    user = actor(request)
    planting = selectors.planting_get(user, planting_id, perm=Perm.PROJECTS_MANAGE)
    services.survival_check_add(
        actor=user,
        planting=planting,
        checked_on=payload.checked_on,
        alive=payload.alive,
        note=payload.note,
    )
    return Status(201, _planting_out(selectors.planting_get(user, planting.pk)))


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


# --- the ideas contest --------------------------------------------------------------------


def _contest_perm(user) -> Perm:
    if has_perm_anywhere(user, Perm.PROJECTS_ADMIN):
        return Perm.PROJECTS_ADMIN
    if has_perm_anywhere(user, Perm.IDEAS_JURY):
        return Perm.IDEAS_JURY
    raise Http404


@router.get("/ideas", response=list[IdeaOut], summary="Ideas to moderate or score")
@paginate(Pagination)
def list_ideas(request, status: IdeaStatus | None = None, contest_id: int = ID):
    user = actor(request)
    if not (
        has_perm_anywhere(user, Perm.PROJECTS_ADMIN) or has_perm_anywhere(user, Perm.IDEAS_JURY)
    ):
        return MappedPage(Idea.objects.none(), _idea_out)  # nobody's ideas to see
    queryset = selectors.ideas_visible(user, perm=_contest_perm(user))
    if status:
        queryset = queryset.filter(status=status)
    if contest_id:
        queryset = queryset.filter(contest_id=contest_id)
    return MappedPage(queryset, _idea_out)


@router.post("/ideas/{idea_id}/moderation", response=IdeaOut, summary="Publish, reject, merge")
def moderate_idea(request, idea_id: int, payload: ModerateIn):
    user = actor(request)
    idea = get_or_404(selectors.ideas_visible(user, perm=Perm.PROJECTS_ADMIN), pk=idea_id)
    merge_into = (
        get_or_404(
            selectors.ideas_visible(user, perm=Perm.PROJECTS_ADMIN), pk=payload.merge_into_id
        )
        if payload.merge_into_id
        else None
    )
    idea = services.idea_moderate(
        actor=user, idea=idea, to=payload.to, reason=payload.reason, merge_into=merge_into
    )
    return _idea_out(idea)


@router.put("/ideas/{idea_id}/scores", response=IdeaOut, summary="A juror's scores of an idea")
def score_idea(request, idea_id: int, payload: ScoresIn):
    user = actor(request)
    idea = get_or_404(selectors.ideas_visible(user, perm=Perm.IDEAS_JURY), pk=idea_id)
    services.jury_score(actor=user, idea=idea, scores=payload.scores)
    return _idea_out(idea)


def _ranking(contest) -> dict:
    ranked = selectors.ranking(contest)
    return {
        "contest_id": contest.pk,
        "formula": selectors.formula_text(contest),
        "shortlist_size": contest.shortlist_size,
        "ideas": [
            {
                "rank": r.rank,
                "idea_id": r.idea.pk,
                "code": r.idea.code,
                "title": r.idea.title,
                "jury": r.jury,
                "jurors": r.jurors,
                "votes": r.votes,
                "score": round(r.combined, 6),
                "shortlisted": r.rank <= contest.shortlist_size,
            }
            for r in ranked
        ],
    }


@router.get("/contests/{contest_id}/ranking", response=RankingOut, summary="The shortlist")
def get_ranking(request, contest_id: int):
    user = actor(request)
    contest = get_or_404(selectors.contests_visible(user, perm=_contest_perm(user)), pk=contest_id)
    return _ranking(contest)


# --- public: the portal's contest ---------------------------------------------------------


class PublicIdeaIn(Schema):
    settlement_id: int
    title: str = Field(..., min_length=5, max_length=200)
    text: str = Field(..., min_length=30, max_length=5000)
    surname: str = Field(..., min_length=1, max_length=100)
    name: str = Field(..., min_length=1, max_length=100)
    patronymic: str = Field("", max_length=100)
    phone: str = Field(..., min_length=5, max_length=20)
    email: str = Field("", max_length=254)
    consent: bool = Field(..., description="Consent to the processing of personal data.")


class PublicIdeaOut(Schema):
    code: str
    title: str
    text: str
    settlement: str
    status: IdeaStatus
    status_reason: str
    votes: int
    voting_open: bool


class VoteCodeIn(Schema):
    phone: str = Field(..., min_length=5, max_length=20)


class VoteCodeOut(Schema):
    token: str
    expires_at: dt.datetime


class VoteConfirmIn(Schema):
    token: str = Field(..., min_length=8, max_length=64)
    code: str = Field(..., min_length=6, max_length=6)


def _public_idea(i: Idea) -> dict:
    return {
        "code": i.code,
        "title": i.title,
        "text": i.text,
        "settlement": str(i.settlement),
        "status": i.status,
        "status_reason": i.status_reason if i.status == IdeaStatus.REJECTED else "",
        "votes": i.votes_count,
        "voting_open": services.voting_open(i),
    }


def _limit(request, scope: str, limit: int) -> None:
    from django.utils.translation import gettext as _

    if not hit(scope, client_ip(request), limit=limit, window_seconds=3600):
        raise HttpError(429, _("Too many attempts. Please try again in an hour."))


@public_router.post(
    "",
    response={201: PublicIdeaOut, 200: PublicIdeaOut},
    summary="Submit an idea to the contest (idempotent, rate-limited)",
)
def public_submit_idea(
    request, payload: PublicIdeaIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
):
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    existing = Idea.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return Status(200, _public_idea(existing))
    if not payload.consent:
        raise ValidationError({"consent": _("Without your consent we cannot accept the idea.")})
    _limit(request, "idea-submit", settings.PERVICHKA_PUBLIC_RATE_PER_HOUR)
    settlement = get_or_404(
        Settlement.objects.filter(is_active=True).select_related("district"),
        pk=payload.settlement_id,
    )
    idea, created = services.idea_submit_public(
        settlement=settlement,
        data=PersonData(
            surname=payload.surname,
            name=payload.name,
            patronymic=payload.patronymic,
            phone=payload.phone,
            email=payload.email,
            settlement=settlement,
            consent_method="electronic",
        ),
        title=payload.title,
        text=payload.text,
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, _public_idea(idea))


@public_router.post(
    "/votes", response={201: PublicIdeaOut}, summary="Confirm a vote with the code from the SMS"
)
def public_vote_confirm(request, payload: VoteConfirmIn):
    _limit(request, "vote-confirm", settings.PERVICHKA_VOTE_CODES_PER_IP_PER_HOUR * 3)
    vote = services.vote_confirm(token=payload.token, code=payload.code)
    return Status(201, _public_idea(selectors.idea_public(vote.idea.code)))


@public_router.get("/{code}", response=PublicIdeaOut, summary="An idea by its code")
def public_get_idea(request, code: str):
    _limit(request, "idea-track", 240)
    idea = selectors.idea_public(code)
    if idea is None:
        raise Http404
    return _public_idea(idea)


@public_router.post(
    "/{code}/vote-code",
    response={201: VoteCodeOut},
    summary="Send a one-time code by SMS to vote for a published idea",
)
def public_vote_code(request, code: str, payload: VoteCodeIn):
    _limit(request, "vote-code", settings.PERVICHKA_VOTE_CODES_PER_IP_PER_HOUR)
    idea = selectors.idea_public(code)
    if idea is None:
        raise Http404
    challenge = services.vote_request_code(idea=idea, phone=payload.phone)
    return Status(201, {"token": challenge.token, "expires_at": challenge.expires_at})
