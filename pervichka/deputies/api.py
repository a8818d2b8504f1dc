"""Deputies over the API: who they are and their figures for a period."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.kpis import Period
from pervichka.deputies import selectors
from pervichka.deputies.models import Deputy

router = Router(tags=["deputies"])


class DeputyOut(Schema):
    id: int
    person_id: int
    name: str
    unit_id: int
    council: str
    term: str
    term_start: dt.date
    term_end: dt.date | None
    constituency: str
    faction: str


class FiguresOut(Schema):
    start: dt.date
    end: dt.date
    receptions_held: int
    receptions_planned: int
    appeals_received: int
    appeals_answered: int
    answered_on_time: int
    promises: dict[str, int]


def _out(d: Deputy) -> dict:
    return {
        "id": d.pk,
        "person_id": d.person_id,
        "name": d.person.full_name,
        "unit_id": d.unit_id,
        "council": d.council,
        "term": d.term,
        "term_start": d.term_start,
        "term_end": d.term_end,
        "constituency": d.constituency,
        "faction": d.faction,
    }


@router.get("", response=list[DeputyOut], summary="Deputies of the faction in scope")
@paginate(Pagination)
def list_deputies(request):
    return MappedPage(selectors.deputies_visible(actor(request)), _out)


@router.get("/{deputy_id}", response=DeputyOut)
def get_deputy(request, deputy_id: int):
    return _out(selectors.deputy_get(actor(request), deputy_id))


@router.get(
    "/{deputy_id}/figures",
    response=FiguresOut,
    summary="Receptions held, appeals received and answered, promises, for a period",
)
def get_figures(request, deputy_id: int, start: dt.date | None = None, end: dt.date | None = None):
    deputy = selectors.deputy_get(actor(request), deputy_id)
    today = timezone.localdate()
    start = start or dt.date(today.year, 1, 1)
    end = end or today
    if end < start:
        start, end = end, start
    f = selectors.figures(deputy, Period(start, end))
    return {"start": start, "end": end, **f.__dict__}
