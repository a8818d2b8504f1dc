"""The rating over the API: methodologies (readable by every chair), ratings in scope with
their league tables, and one primary's breakdown (its chair and the levels above)."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from pervichka.core.api import Pagination, actor
from pervichka.rating import selectors

router = Router(tags=["rating"])


class GoalpostOut(Schema):
    peer_group: str | None
    year: int
    low: Decimal
    high: Decimal


class IndicatorOut(Schema):
    id: int
    kpi: str
    label: str
    direction: str
    denominator: str
    cap: Decimal | None
    goalposts: list[GoalpostOut]


class DimensionOut(Schema):
    code: str
    name: str
    weight: Decimal
    indicators: list[IndicatorOut]


class MethodologyOut(Schema):
    id: int
    code: str
    version: int
    name: str
    unit_id: int | None
    adopted_from_id: int | None
    status: str
    rationale: str
    dimensions: list[DimensionOut]


class ScoreRowOut(Schema):
    id: int
    primary_id: int
    primary: str
    peer_group: str | None
    members: int
    band: str
    place: int | None
    rank_low: int | None
    rank_high: int | None
    median_rank: Decimal | None
    total: Decimal | None  # the district's own; None for a chair reading other primaries
    no_rating_reason: str


class RunOut(Schema):
    id: int
    district_id: int
    period: str
    period_start: dt.date
    period_end: dt.date
    version: int
    status: str
    methodology_id: int
    objections_until: dt.date | None
    scores: list[ScoreRowOut]


class RunListOut(Schema):
    id: int
    district_id: int
    period: str
    version: int
    status: str


class LineOut(Schema):
    indicator_id: int
    kpi: str
    raw: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    capped: bool
    winsorised: bool
    corrected: bool
    score: Decimal | None
    weight: Decimal
    points: Decimal
    peer_median: Decimal | None


class BreakdownOut(Schema):
    id: int
    run_id: int
    primary_id: int
    total: Decimal | None
    band: str
    band_limited_by: str
    no_rating_reason: str
    rank_low: int | None
    rank_high: int | None
    lines: list[LineOut]


def _methodology(m) -> dict:
    return {
        "id": m.pk, "code": m.code, "version": m.version, "name": m.display_name,
        "unit_id": m.unit_id, "adopted_from_id": m.adopted_from_id, "status": m.status,
        "rationale": m.rationale,
        "dimensions": [
            {
                "code": d.code, "name": d.display_name, "weight": d.weight,
                "indicators": [
                    {
                        "id": i.pk, "kpi": i.kpi, "label": str(i.label), "direction": i.direction,
                        "denominator": i.denominator, "cap": i.cap,
                        "goalposts": [
                            {"peer_group": g.peer_group.code if g.peer_group else None,
                             "year": g.year, "low": g.low, "high": g.high}
                            for g in i.goalposts.all()
                        ],
                    }
                    for i in d.indicators.all()
                ],
            }
            for d in m.dimensions.prefetch_related("indicators__goalposts__peer_group")
        ],
    }  # fmt: skip


@router.get("/methodologies", response=list[MethodologyOut], summary="Methodologies")
@paginate(Pagination)
def list_methodologies(request):
    return [_methodology(m) for m in selectors.methodologies_readable(actor(request))]


@router.get("/methodologies/{methodology_id}", response=MethodologyOut, summary="A methodology")
def get_methodology(request, methodology_id: int):
    return _methodology(selectors.methodology_get(actor(request), methodology_id))


@router.get("/runs", response=list[RunListOut], summary="Ratings in scope (latest versions)")
@paginate(Pagination)
def list_runs(request):
    return [
        {"id": r.pk, "district_id": r.district_id, "period": str(r.period),
         "version": r.version, "status": r.status}
        for r in selectors.latest_runs(actor(request))
    ]  # fmt: skip


@router.get("/runs/{run_id}", response=RunOut, summary="A district's rating: the league table")
def get_run(request, run_id: int):
    user = actor(request)
    run = selectors.run_get(user, run_id)
    totals = selectors.can_see_totals(user, run)
    return {
        "id": run.pk, "district_id": run.district_id, "period": str(run.period),
        "period_start": run.period.start, "period_end": run.period.end, "version": run.version,
        "status": run.status, "methodology_id": run.methodology_id,
        "objections_until": run.objections_until,
        "scores": [
            {"id": s.pk, "primary_id": s.primary_id, "primary": s.primary.display_name,
             "peer_group": s.peer_group.code if s.peer_group else None, "members": s.members,
             "band": s.band, "place": s.place, "rank_low": s.rank_low, "rank_high": s.rank_high,
             "median_rank": s.median_rank, "total": s.total if totals else None,
             "no_rating_reason": s.no_rating_reason}
            for s in selectors.league(run)
        ],
    }  # fmt: skip


@router.get("/scores/{score_id}", response=BreakdownOut, summary="A primary's breakdown")
def get_score(request, score_id: int):
    s = selectors.score_get(actor(request), score_id)
    return {
        "id": s.pk, "run_id": s.run_id, "primary_id": s.primary_id, "total": s.total,
        "band": s.band, "band_limited_by": s.band_limited_by,
        "no_rating_reason": s.no_rating_reason, "rank_low": s.rank_low, "rank_high": s.rank_high,
        "lines": [
            {"indicator_id": x.indicator_id, "kpi": x.indicator.kpi, "raw": x.raw,
             "denominator": x.denominator, "value": x.value, "capped": x.capped,
             "winsorised": x.winsorised, "corrected": x.corrected, "score": x.norm_score,
             "weight": x.weight, "points": x.points, "peer_median": x.peer_median}
            for x in s.lines.select_related("indicator")
        ],
    }  # fmt: skip
