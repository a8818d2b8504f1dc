"""Reads of the rating, limited to what the user may see: a chair reads their district's
ratings (bands and intervals of every primary) and their own primary's breakdown;
administrators their subtree. Pages read stored results only."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, QuerySet, Sum
from django.urls import reverse

from pervichka.core import kpis
from pervichka.core.roles import Perm
from pervichka.core.scoping import get_or_404, has_perm_at
from pervichka.orgs.enums import OrgKind
from pervichka.rating.enums import BANDS, Denominator, PeriodKind, RunStatus
from pervichka.rating.models import (
    AuditItem,
    Dimension,
    Indicator,
    IndicatorScore,
    Methodology,
    Objection,
    RatingRun,
    Score,
)

CENT = Decimal("0.01")
RECORDS_SHOWN = 20  # links to the records behind a figure, at most


def runs_readable(user) -> QuerySet[RatingRun]:
    """The ratings of the districts in the scope and of the district above a chair."""
    return (
        RatingRun.objects.readable_upwards(user, Perm.RATING_VIEW)
        .select_related("district", "period", "methodology")
        .order_by("-period__start", "district__name", "-version")
    )


def latest_runs(user) -> list[RatingRun]:
    """The latest version per district and period."""
    runs = runs_readable(user)
    latest = {
        (r["district_id"], r["period_id"]): r["v"]
        for r in runs.values("district_id", "period_id").annotate(v=Max("version"))
    }
    return [r for r in runs if latest.get((r.district_id, r.period_id)) == r.version][:200]


def run_get(user, pk: object) -> RatingRun:
    return get_or_404(runs_readable(user), pk=pk)


def methodologies_readable(user) -> QuerySet[Methodology]:
    return Methodology.objects.readable_by(user, Perm.RATING_VIEW).select_related("unit")


def methodology_get(user, pk: object) -> Methodology:
    return get_or_404(methodologies_readable(user), pk=pk)


def score_get(user, pk: object) -> Score:
    """One primary's score: its chair and the administrators above it."""
    return get_or_404(
        Score.objects.visible_to(user, Perm.RATING_VIEW).select_related(
            "run__district", "run__period", "run__methodology", "primary", "peer_group"
        ),
        pk=pk,
    )


def own_scores(user) -> QuerySet[Score]:
    """The scores of the primaries the user may see, each primary's latest first."""
    return (
        Score.objects.visible_to(user, Perm.RATING_VIEW)
        .filter(primary__kind=OrgKind.PRIMARY)
        .exclude(run__status__in=[RunStatus.COMPUTING, RunStatus.FAILED])
        .select_related("primary", "run__period")
        .order_by("primary_id", "-run__period__start", "-run__version")
    )


def own_score_ids(user, run: RatingRun) -> set[int]:
    """The scores of the run whose breakdown the user may open."""
    return set(
        Score.objects.visible_to(user, Perm.RATING_VIEW)
        .filter(run=run)
        .values_list("pk", flat=True)
    )


def score_in(run: RatingRun, primary) -> Score | None:
    """The primary's score in another version (the caller has read the primary's score)."""
    return Score.objects.filter(run=run, primary=primary).first()


def indicator_of(score: Score, pk: str) -> Indicator:
    """An indicator of the methodology the score was computed with, or 404."""
    return get_or_404(
        Indicator.objects.filter(dimension__methodology=score.run.methodology),
        pk=pk if pk.isdigit() else 0,
    )


def objection_get(user, pk: object) -> Objection:
    return get_or_404(
        Objection.objects.visible_to(user, Perm.RATING_VIEW).select_related(
            "score__run__district", "score__primary", "indicator__dimension", "raised_by"
        ),
        pk=pk,
    )


def objections_of(user, run: RatingRun) -> QuerySet[Objection]:
    return (
        Objection.objects.visible_to(user, Perm.RATING_VIEW)
        .filter(score__run__district=run.district, score__run__period=run.period)
        .select_related("score__primary", "indicator", "score__run")
    )


def can_see_totals(user, run: RatingRun) -> bool:
    """Exact totals of every primary are the district's; a chair sees bands and intervals."""
    return has_perm_at(user, Perm.RATING_MANAGE, run.district.path)


def league(run: RatingRun, *, peer_group: str = "", band: str = "") -> QuerySet[Score]:
    scores = run.scores.select_related("primary", "peer_group").order_by(
        "median_rank", "-total", "primary__name"
    )
    if peer_group:
        scores = scores.filter(peer_group__code=peer_group)
    if band:
        scores = scores.filter(band=band)
    return scores


def previous_score(score: Score) -> Score | None:
    """The same primary in the latest version of the period before (same kind)."""
    return (
        Score.objects.filter(
            primary=score.primary,
            run__district=score.run.district,
            run__period__kind=score.run.period.kind,
            run__period__start__lt=score.run.period.start,
        )
        .exclude(run__status__in=[RunStatus.COMPUTING, RunStatus.FAILED])
        .order_by("-run__period__start", "-run__version")
        .first()
    )


def trend(score: Score) -> dict:
    """Totals of the primary over the periods of the same kind (latest version of each)."""
    rows = (
        Score.objects.filter(
            primary=score.primary,
            run__district=score.run.district,
            run__period__kind=score.run.period.kind,
        )
        .exclude(run__status__in=[RunStatus.COMPUTING, RunStatus.FAILED])
        .select_related("run__period")
        .order_by("run__period__start", "run__version")
    )
    by_period = {}
    for row in rows:
        by_period[row.run.period_id] = row  # the latest version wins
    points = list(by_period.values())
    return {
        "labels": [str(p.run.period) for p in points],
        "values": [float(p.total) if p.total is not None else None for p in points],
        "percent": False,
        "label": "",
    }


@dataclass
class DimensionBlock:
    dimension: object
    lines: list = field(default_factory=list)
    points: Decimal = Decimal(0)
    score: Decimal | None = None


@dataclass
class Tip:
    line: IndicatorScore
    gain: Decimal


def breakdown(score: Score) -> tuple[list[DimensionBlock], list[Tip]]:
    """The lines grouped by dimension, and where the most points are to be gained: the
    points an indicator would add at a score of 100."""
    lines = list(score.lines.select_related("indicator__dimension"))
    blocks: dict[int, DimensionBlock] = {}
    period = kpis.Period(score.run.period.start, score.run.period.end)
    for line in lines:
        # The records the figure counted, where the app names them: the breakdown is the
        # primary's own, so they are within the viewer's scope (and each record's page
        # checks it again). Read live, by the records' own dates in the period: a record
        # entered after the close shows here though the stored figure left it out.
        found = kpis.records(line.indicator.kpi, [score.primary_id], period)
        line.records = [
            (record.label, reverse(record.url_name, args=[record.pk]))
            for record in found.get(score.primary_id, [])[:RECORDS_SHOWN]
        ]
        # The app's own list of the records behind the figure, scoped as it always is.
        kpi = kpis.REGISTRY.get(line.indicator.kpi)
        line.records_url = reverse(kpi.list_url) if kpi and kpi.list_url else ""
        dimension = line.indicator.dimension
        block = blocks.setdefault(dimension.pk, DimensionBlock(dimension))
        block.lines.append(line)
        block.points += line.points
    for block in blocks.values():
        scored = [line.norm_score for line in block.lines if line.norm_score is not None]
        block.score = (sum(scored) / len(scored)).quantize(Decimal("0.1")) if scored else None
    tips = [
        Tip(line, ((100 - line.norm_score) * line.weight / 100).quantize(Decimal("0.01")))
        for line in lines
        if line.norm_score is not None and line.norm_score < 100
    ]
    tips.sort(key=lambda t: -t.gain)
    return list(blocks.values()), tips[:3]


def weakest_dimension(blocks: list[DimensionBlock]):
    scored = [b for b in blocks if b.score is not None]
    return min(scored, key=lambda b: b.score).dimension if scored else None


def funnel(run: RatingRun, indicator_id: int | None) -> dict | None:
    """A funnel plot of a rate indicator: each primary's rate against its members, with the
    district's mean and its 2 and 3 standard deviation limits (binomial for shares, Poisson
    for figures per 100 members)."""
    lines = IndicatorScore.objects.filter(
        score__run=run,
        indicator__denominator__in=[Denominator.PER_100, Denominator.SHARE],
        raw__isnull=False,
    ).select_related("indicator", "score__primary")
    indicators = {}
    for line in lines:
        indicators.setdefault(line.indicator_id, line.indicator)
    if not indicators:
        return None
    chosen = indicators.get(indicator_id) or next(iter(indicators.values()))
    points = [
        (line.score.members, float(line.raw), line.score.primary.display_name)
        for line in lines
        if line.indicator_id == chosen.pk and line.score.members
    ]
    if not points:
        return {"indicators": indicators, "chosen": chosen, "data": None}
    total_members = sum(n for n, _r, _l in points)
    per_100 = chosen.denominator == Denominator.PER_100
    if per_100:  # raw is a count: the rate per member
        mean = sum(r for _n, r, _l in points) / total_members
    else:  # raw is a share of something counted per member: weighted by members
        mean = sum(n * r for n, r, _l in points) / total_members
    top = max(n for n, _r, _l in points)
    xs = sorted({max(1, round(top * k / 40)) for k in range(1, 41)})

    def limit(n, z):
        spread = math.sqrt(mean / n) if per_100 else math.sqrt(max(mean * (1 - mean), 0) / n)
        value = mean + z * spread
        value = max(value, 0.0) if per_100 else min(max(value, 0.0), 1.0)
        return round(value * 100, 2)

    scale = 100  # per 100 members, or percent
    return {
        "indicators": indicators,
        "chosen": chosen,
        "data": {
            "points": [
                {"x": n, "y": round((r / n if per_100 else r) * scale, 2), "label": label}
                for n, r, label in points
            ],
            "mean": round(mean * scale, 2),
            "limits": {str(z): [{"x": n, "y": limit(n, z)} for n in xs] for z in (-3, -2, 2, 3)},
            "xs": xs,
        },
    }


@dataclass
class RollupRow:
    run: RatingRun
    bands: dict[str, int]
    unrated: int
    rated: int
    # The same breakdown one level up: the mean points per dimension over the district's
    # rated primaries (code -> points), and the mean total.
    dimension_points: dict[str, Decimal] = field(default_factory=dict)
    mean_total: Decimal | None = None


def rollup(user, period_id: int | None) -> tuple[list, object, list[RollupRow], dict[str, str]]:
    """The distribution of bands per district for one period, over the districts in scope
    (a region's or the party's administrators see all theirs), and the same breakdown one
    level up: each district's mean points per dimension."""
    runs = latest_runs(user)
    periods = list({r.period_id: r.period for r in runs}.values())
    if not periods:
        return [], None, [], {}
    period = next((p for p in periods if p.pk == period_id), periods[0])
    chosen = [r for r in runs if r.period_id == period.pk]
    counts = Score.objects.filter(run__in=chosen).values("run_id", "band").annotate(n=Count("pk"))
    by_run: dict[int, dict[str, int]] = {}
    for row in counts:
        by_run.setdefault(row["run_id"], {})[row["band"]] = row["n"]
    points: dict[int, dict[str, Decimal]] = {}
    dimension_names: dict[str, str] = {}
    for row in (
        IndicatorScore.objects.filter(score__run__in=chosen, score__total__isnull=False)
        .values("score__run_id", "indicator__dimension__code")
        .annotate(points=Sum("points"))
    ):
        code = row["indicator__dimension__code"]
        points.setdefault(row["score__run_id"], {})[code] = row["points"]
    for dimension in Dimension.objects.filter(methodology__runs__in=chosen).order_by("order"):
        dimension_names.setdefault(dimension.code, dimension.display_name)
    totals = dict(
        Score.objects.filter(run__in=chosen, total__isnull=False)
        .values_list("run_id")
        .annotate(Sum("total"))
    )
    rows = []
    for r in chosen:
        bands = by_run.get(r.pk, {})
        rated = sum(n for b, n in bands.items() if b)
        row = RollupRow(
            run=r,
            bands={b: bands.get(b, 0) for b in "ABCDE"},
            unrated=bands.get("", 0),
            rated=rated,
        )
        if rated:
            row.dimension_points = {
                code: (points.get(r.pk, {}).get(code, Decimal(0)) / rated).quantize(CENT)
                for code in dimension_names
            }
            row.mean_total = (totals.get(r.pk, Decimal(0)) / rated).quantize(CENT)
        rows.append(row)
    return periods, period, rows, dimension_names


def audit_items(user, run: RatingRun) -> QuerySet[AuditItem]:
    """The district's audit sample of the run's period, within the user's scope."""
    return (
        AuditItem.objects.visible_to(user, Perm.RATING_VIEW)
        .filter(district=run.district, period=run.period)
        .select_related("primary", "decided_by")
    )


def audit_item_get(user, pk: object) -> AuditItem:
    return get_or_404(
        AuditItem.objects.visible_to(user, Perm.RATING_MANAGE).select_related(
            "district", "period", "primary"
        ),
        pk=pk,
    )


def audits_of_score(score: Score) -> list[AuditItem]:
    """The primary's records drawn for the audit of the score's period (the caller has
    read the score)."""
    return list(
        AuditItem.objects.filter(
            district=score.run.district, period=score.run.period, primary=score.primary
        )
    )


def course_for(dimension) -> tuple[str, str] | None:
    """The School's course for a dimension, named and linked by the School itself."""
    if dimension is None or not dimension.course_code:
        return None
    return kpis.course_link(dimension.course_code)


@dataclass
class GoalpostRow:
    indicator: Indicator
    group: object  # a PeerGroup, or None: every group
    low: Decimal
    high: Decimal

    @property
    def key(self) -> str:
        return f"{self.indicator.kpi}__{self.group.code if self.group else ''}"


def goalpost_grid(methodology: Methodology, year: int) -> list[GoalpostRow]:
    """The goalposts in force for `year`, per indicator: the general ones and each peer
    group's own — what a draft's editor shows and changes."""
    groups = list(methodology.peer_groups.all())
    rows = []
    for indicator in Indicator.objects.filter(dimension__methodology=methodology).prefetch_related(
        "goalposts"
    ):
        posts = [p for p in indicator.goalposts.all() if p.year <= year]
        for group in [None, *groups]:
            matching = [p for p in posts if p.peer_group_id == (group.pk if group else None)]
            if matching:
                best = max(matching, key=lambda p: p.year)
                rows.append(GoalpostRow(indicator, group, best.low, best.high))
    return rows


@dataclass
class BandSummary:
    period: object
    runs: list[RatingRun]
    bands: dict[str, int]
    unrated: int


def latest_bands(user) -> BandSummary | None:
    """The bands of the primaries in the latest computed rating of the user's districts
    (the latest quarter, else the latest period of any kind; each district's latest
    version of it): the district administrator's start page shows them."""
    runs = runs_readable(user).filter(status__in=[RunStatus.PROVISIONAL, RunStatus.FINAL])
    newest = (
        runs.filter(period__kind=PeriodKind.QUARTER).first()
        or runs.order_by("-period__end", "-version").first()
    )
    if newest is None:
        return None
    chosen: dict[int, RatingRun] = {}
    for run in runs.filter(period=newest.period).order_by("-version"):
        chosen.setdefault(run.district_id, run)
    counts = dict(
        Score.objects.filter(run__in=list(chosen.values()))
        .values_list("band")
        .annotate(n=Count("pk"))
    )
    return BandSummary(
        period=newest.period,
        runs=sorted(chosen.values(), key=lambda r: r.district.name),
        bands={band: counts.get(band, 0) for band in BANDS},
        unrated=counts.get("", 0),
    )
