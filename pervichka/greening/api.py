"""ТазаLike over the API: plantings and their survival checks, scoped like the pages. Mounted
at /api/v1/projects/plantings, where it was before greening became its own app."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.dates import RecordDate
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.greening import selectors, services
from pervichka.greening.enums import SiteKind
from pervichka.greening.models import Planting
from pervichka.orgs.selectors import org_unit_get, settlements_for
from pervichka.projects.selectors import event_get

router = Router(tags=["projects"])
# Query filters within what the database and the calendar can hold (fuzzing finds the rest).
YEAR = Query(0, ge=0, le=2100, description="0: any year")
ID = Query(0, ge=0, le=2_147_483_647, description="0: any")


class PlantingIn(Schema):
    primary_id: int
    planted_on: RecordDate
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
    checked_on: RecordDate
    alive: int = Field(..., ge=0)
    note: str = Field("", max_length=255)


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


@router.get("", response=list[PlantingOut], summary="Plantings in scope")
@paginate(Pagination)
def list_plantings(request, year: int = YEAR, primary_id: int = ID):
    queryset = selectors.plantings_visible(actor(request))
    if year:
        queryset = queryset.filter(planted_on__year=year)
    if primary_id:
        queryset = queryset.filter(primary_id=primary_id)
    return MappedPage(queryset, _planting_out)


@router.post("", response={201: PlantingOut}, summary="Record a planting")
def create_planting(request, payload: PlantingIn):
    user = actor(request)
    project = selectors.greening_project()
    primary = org_unit_get(user, payload.primary_id, perm=Perm.PROJECTS_MANAGE)
    event = (
        event_get(user, payload.event_id, perm=Perm.PROJECTS_MANAGE) if payload.event_id else None
    )
    settlement = (
        get_or_404(settlements_for(user, perm=Perm.PROJECTS_MANAGE), pk=payload.settlement_id)
        if payload.settlement_id
        else None
    )
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
    "/{planting_id}/checks",
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
