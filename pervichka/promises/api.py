"""Promises over the API: the programme in scope, a promise with its evidence, recording an
update; the public tracker's read-only view."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pervichka.core.api import MappedPage, Pagination, actor
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404
from pervichka.deputies.selectors import deputies_visible
from pervichka.orgs.selectors import org_unit_get, settlements_of
from pervichka.promises import selectors, services
from pervichka.promises.enums import PromiseStatus, Theme
from pervichka.promises.models import Promise

router = Router(tags=["promises"])
public_router = Router(tags=["public"], auth=None)


class UpdateOut(Schema):
    id: int
    date: dt.date
    status: PromiseStatus
    text: str
    reason: str
    link: str
    has_file: bool


class PromiseOut(Schema):
    id: int
    district_id: int
    number: int
    programme: str
    text: str
    text_kk: str
    text_en: str
    theme: Theme
    settlement_id: int | None
    responsible_deputy_id: int | None
    responsible_body: str
    due_date: dt.date
    status: PromiseStatus
    status_since: dt.date | None
    updates: list[UpdateOut]


class PromiseIn(Schema):
    district_id: int
    number: int = Field(..., ge=1, le=100000)
    programme: str = Field("2021–2026", max_length=100)
    text: str = Field(..., min_length=1, max_length=5000)
    text_kk: str = Field("", max_length=5000)
    text_en: str = Field("", max_length=5000)
    theme: Theme
    due_date: dt.date
    settlement_id: int | None = None
    responsible_deputy_id: int | None = None
    responsible_body: str = Field("", max_length=255)


class ReportIn(Schema):
    status: PromiseStatus
    date: dt.date
    text: str = Field(..., min_length=1, max_length=5000)
    reason: str = Field("", max_length=5000)
    link: str = Field("", max_length=500)


def _out(p: Promise) -> dict:
    return {
        "id": p.pk,
        "district_id": p.district_id,
        "number": p.number,
        "programme": p.programme,
        "text": p.text,
        "text_kk": p.text_kk,
        "text_en": p.text_en,
        "theme": p.theme,
        "settlement_id": p.settlement_id,
        "responsible_deputy_id": p.responsible_deputy_id,
        "responsible_body": p.responsible_body,
        "due_date": p.due_date,
        "status": p.status,
        "status_since": p.status_since,
        "updates": [
            {
                "id": u.pk,
                "date": u.date,
                "status": u.status,
                "text": u.text,
                "reason": u.reason,
                "link": u.link,
                "has_file": bool(u.file),
            }
            for u in p.updates.all()
        ],
    }


@router.get("", response=list[PromiseOut], summary="The programme's promises in scope")
@paginate(Pagination)
def list_promises(
    request, status: PromiseStatus | None = None, theme: Theme | None = None,
    settlement_id: int = Query(0, ge=0, le=2_147_483_647),
):  # fmt: skip
    f = selectors.Filters(
        status=status or "", theme=theme or "", settlement_id=settlement_id or None
    )
    queryset = selectors.apply_filters(selectors.promises_visible(actor(request)), f)
    return MappedPage(queryset.prefetch_related("updates"), _out)


@router.post("", response={201: PromiseOut}, summary="Add a promise to the programme")
def create_promise(request, payload: PromiseIn):
    user = actor(request)
    district = org_unit_get(user, payload.district_id, perm=Perm.PROMISES_MANAGE)
    settlement = (
        get_or_404(settlements_of(district), pk=payload.settlement_id)
        if payload.settlement_id
        else None
    )
    deputy = (
        get_or_404(deputies_visible(user), pk=payload.responsible_deputy_id)
        if payload.responsible_deputy_id
        else None
    )
    promise = services.promise_create(
        actor=user,
        district=district,
        data=services.PromiseData(
            number=payload.number,
            text=payload.text,
            text_kk=payload.text_kk,
            text_en=payload.text_en,
            theme=payload.theme,
            due_date=payload.due_date,
            settlement=settlement,
            responsible_deputy=deputy,
            responsible_body=payload.responsible_body,
            programme=payload.programme,
        ),
    )
    return Status(201, _out(promise))


@router.get("/{promise_id}", response=PromiseOut)
def get_promise(request, promise_id: int):
    return _out(selectors.promise_get(actor(request), promise_id))


@router.post(
    "/{promise_id}/updates",
    response={201: PromiseOut},
    summary="Record a step with its evidence (text and link; files through the page)",
)
def report(request, promise_id: int, payload: ReportIn):
    user = actor(request)
    promise = selectors.promise_get(user, promise_id, perm=Perm.PROMISES_MANAGE)
    services.promise_report(
        actor=user,
        promise=promise,
        status=payload.status,
        date=payload.date,
        text=payload.text,
        reason=payload.reason,
        link=payload.link,
    )
    return Status(201, _out(selectors.promise_get(user, promise.pk)))


class PublicTotalsOut(Schema):
    status: PromiseStatus
    label: str
    count: int


@public_router.get("", response=list[PromiseOut], summary="The public promise tracker")
@paginate(Pagination)
def public_promises(
    request, status: PromiseStatus | None = None, theme: Theme | None = None,
    district_id: int = Query(0, ge=0, le=2_147_483_647),
    settlement_id: int = Query(0, ge=0, le=2_147_483_647),
):  # fmt: skip
    f = selectors.Filters(
        status=status or "",
        theme=theme or "",
        settlement_id=settlement_id or None,
        district_id=district_id or None,
    )
    queryset = selectors.apply_filters(selectors.promises_public(), f)
    return MappedPage(queryset.prefetch_related("updates"), _out)


@public_router.get("/totals", response=list[PublicTotalsOut], summary="Promises by stage")
def public_totals(request, district_id: int = Query(0, ge=0, le=2_147_483_647)):
    queryset = selectors.promises_public()
    if district_id:
        queryset = queryset.filter(district_id=district_id)
    return [
        {"status": s, "label": str(label), "count": n} for s, label, n in selectors.totals(queryset)
    ]


@public_router.get("/{promise_id}", response=PromiseOut, summary="One promise with its evidence")
def public_promise(request, promise_id: int):
    promise = selectors.promises_public().filter(pk=promise_id).first()
    if promise is None:
        raise Http404
    return _out(promise)
