"""Writes of the rating: adopting a methodology, computing a district's rating for a period
(a new version every time), objections and their decisions, publishing the final rating.

The figures come from the KPI registry only (`core.kpis.compute`, one call per KPI with all
the district's primaries). The first version computed on or after the period's close is its
snapshot: later versions (after objections, or under another methodology) start from the
snapshot's figures, so records entered after the close do not change the period.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.accounts.selectors import users_with_perm_in
from pervichka.core import kpis
from pervichka.core.calendar import add_working_days
from pervichka.core.dbrouter import read_on_replica
from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_at
from pervichka.core.services import notification_queue
from pervichka.core.tree import ancestor_paths
from pervichka.core.uploads import validate_upload
from pervichka.orgs.enums import OrgKind
from pervichka.orgs.models import OrgUnit
from pervichka.orgs.selectors import current_chairs_contacts
from pervichka.people.selectors import member_counts_on
from pervichka.rating import compute
from pervichka.rating.enums import (
    DECISIONS,
    MethodologyStatus,
    ObjectionStatus,
    PeriodKind,
    RunStatus,
)
from pervichka.rating.models import (
    Goalpost,
    Indicator,
    IndicatorScore,
    Methodology,
    Objection,
    PeerGroup,
    RatingEvent,
    RatingPeriod,
    RatingRun,
    Score,
)

# Working days after the period's end until it closes (the last records come in).
CLOSE_AFTER_DAYS = 5


def _require(actor, perm: Perm, unit: OrgUnit) -> None:
    if not has_perm_at(actor, perm, unit.path):
        raise Http404


def period_ensure(*, kind: str, start: dt.date) -> RatingPeriod:
    """The month, quarter or year starting at `start` (its first day)."""
    if kind not in PeriodKind.values:
        raise ValidationError({"kind": _("Choose a month, a quarter or a year.")})
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    if (
        start.day != 1
        or (kind == PeriodKind.QUARTER and (start.month - 1) % 3)
        or (kind == PeriodKind.YEAR and start.month != 1)
    ):
        raise ValidationError({"start": _("A period starts on the first day of its span.")})
    month = start.month - 1 + months
    end = dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    period, _new = RatingPeriod.objects.get_or_create(
        kind=kind,
        start=start,
        defaults={"end": end, "closes_on": add_working_days(end, CLOSE_AFTER_DAYS)},
    )
    return period


def methodology_for(unit: OrgUnit) -> Methodology:
    """The approved methodology that applies to a district: its own latest, else its
    region's, else the party-wide default."""
    approved = Methodology.objects.filter(status=MethodologyStatus.APPROVED)
    paths = [unit.path, *reversed(ancestor_paths(unit.path))]
    for path in paths:
        found = approved.filter(unit__path=path).order_by("-version").first()
        if found is not None:
            return found
    found = approved.filter(unit__isnull=True).order_by("-version").first()
    if found is None:
        raise ValidationError(_("No approved methodology exists."))
    return found


@transaction.atomic
def methodology_adopt(
    *,
    actor,
    unit: OrgUnit,
    source: Methodology,
    weights: dict[str, Decimal],
    goalposts: dict[tuple[str, str | None], tuple[Decimal, Decimal]] | None = None,
    rationale: str,
) -> Methodology:
    """A district or region adopts `source` with its own weights (by dimension code) and
    goalposts (by KPI and peer group code, for the current year), each within the limits
    `source` sets, and approves it with the rationale. A new version; nothing is edited."""
    _require(actor, Perm.RATING_MANAGE, unit)
    if unit.kind not in (OrgKind.DISTRICT, OrgKind.REGION):
        raise ValidationError(_("A district or a region adopts a methodology."))
    if not (rationale or "").strip():
        raise ValidationError({"rationale": _("Give the rationale for the changes.")})
    goalposts = goalposts or {}
    errors = []
    dimensions = list(source.dimensions.prefetch_related("indicators__goalposts"))
    for dimension in dimensions:
        new = weights.get(dimension.code, dimension.weight)
        if abs(new - dimension.weight) > dimension.weight * source.weight_tolerance:
            errors.append(
                _("The weight of «%(name)s» may change by at most %(share)s%% of %(weight)s.")
                % {
                    "name": dimension.display_name,
                    "share": int(source.weight_tolerance * 100),
                    "weight": dimension.weight,
                }
            )
    if errors:
        raise ValidationError(errors)
    code = f"unit-{unit.pk}"
    version = (Methodology.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
    copy = Methodology.objects.get(pk=source.pk)
    copy.pk = None
    copy.code, copy.version, copy.unit, copy.adopted_from = code, version, unit, source
    copy.status = MethodologyStatus.APPROVED
    copy.rationale = rationale.strip()
    copy.approved_by, copy.approved_at = actor, timezone.now()
    copy.save()
    groups = {}
    for group in source.peer_groups.all():
        old = group.pk
        group.pk, group.methodology = None, copy
        group.save()
        groups[old] = group
    indicators = {}
    year = timezone.localdate().year
    for dimension in dimensions:
        old_indicators = list(dimension.indicators.all())
        dimension.pk, dimension.methodology = None, copy
        dimension.weight = weights.get(dimension.code, dimension.weight)
        dimension.save()
        for indicator in old_indicators:
            old_posts = list(indicator.goalposts.all())
            old = indicator.pk
            indicator.pk, indicator.dimension = None, dimension
            indicator.save()
            indicators[old] = indicator
            for post in old_posts:
                post.pk, post.indicator = None, indicator
                post.peer_group = groups.get(post.peer_group_id)
                post.save()
            for (kpi, group_code), (low, high) in goalposts.items():
                if kpi != indicator.kpi:
                    continue
                group = next((g for g in groups.values() if g.code == group_code), None)
                base = _goalposts_of(indicator, group, year)
                if base is None:
                    raise ValidationError(_("No goalposts to change for %(kpi)s.") % {"kpi": kpi})
                limit = (base[1] - base[0]) * source.goalpost_tolerance
                if abs(low - base[0]) > limit or abs(high - base[1]) > limit or low >= high:
                    raise ValidationError(
                        _("The goalposts of «%(name)s» may move by at most %(limit)s.")
                        % {"name": indicator.label, "limit": limit.normalize()}
                    )
                Goalpost.objects.update_or_create(
                    indicator=indicator,
                    peer_group=group,
                    year=year,
                    defaults={"low": low, "high": high},
                )
    for floor in source.quality_floors.all():
        floor.pk, floor.methodology = None, copy
        floor.indicator = indicators[floor.indicator_id]
        floor.save()
    return copy


def _goalposts_of(
    indicator: Indicator, group: PeerGroup | None, year: int
) -> tuple[Decimal, Decimal] | None:
    posts = [p for p in indicator.goalposts.all() if p.year <= year]
    for wanted in ([group.pk] if group else []) + [None]:
        matching = [p for p in posts if p.peer_group_id == wanted]
        if matching:
            best = max(matching, key=lambda p: p.year)
            return best.low, best.high
    return None


def rules_of(methodology: Methodology, year: int) -> compute.Rules:
    dimensions = []
    for dimension in methodology.dimensions.prefetch_related("indicators__goalposts"):
        rules = []
        for indicator in dimension.indicators.all():
            posts = {}
            for group in [None, *methodology.peer_groups.all()]:
                found = _goalposts_of(indicator, group, year)
                if found is not None and (group is None or found != posts.get(None)):
                    posts[group.pk if group else None] = found
            rules.append(
                compute.IndicatorRule(
                    indicator.pk, indicator.direction, indicator.denominator, indicator.cap, posts
                )
            )
        dimensions.append(compute.DimensionRule(dimension.pk, dimension.weight, tuple(rules)))
    return compute.Rules(
        dimensions=tuple(dimensions),
        max_missing_weight=methodology.max_missing_weight,
        winsor=(methodology.winsor_low, methodology.winsor_high),
        bands=tuple(methodology.band_thresholds()),
        floors=tuple(
            compute.Floor(f.indicator_id, f.minimum, f.best_band)
            for f in methodology.quality_floors.all()
        ),
    )


def _peer_group(groups: list[PeerGroup], members: int) -> PeerGroup | None:
    for group in groups:
        if members >= group.min_members and (
            group.max_members is None or members <= group.max_members
        ):
            return group
    return None


def _record(run: RatingRun, kind: str, text: str = "", *, actor=None, objection=None) -> None:
    RatingEvent.objects.create(
        run=run, kind=kind, text=text[:500], actor=actor, objection=objection
    )


def _latest_run(district: OrgUnit, period: RatingPeriod) -> RatingRun | None:
    return (
        RatingRun.objects.filter(district=district, period=period)
        .exclude(status__in=[RunStatus.COMPUTING, RunStatus.FAILED])
        .order_by("-version")
        .first()
    )


@transaction.atomic
def rating_start(
    *,
    actor,
    district: OrgUnit,
    period: RatingPeriod,
    methodology: Methodology | None = None,
    reason: str = "",
) -> RatingRun:
    """A new version of the district's rating for the period, to be computed (the task
    calls `rating_execute`). Before the period closes there is nothing to compute; after the
    final rating, nothing changes."""
    _require(actor, Perm.RATING_MANAGE, district)
    if district.kind != OrgKind.DISTRICT:
        raise ValidationError(_("A rating is computed for a district."))
    if timezone.localdate() < period.closes_on:
        raise ValidationError(
            _("The period closes on %(date)s: the rating is computed after that.")
            % {"date": period.closes_on.strftime("%d.%m.%Y")}
        )
    # The lock on the district orders concurrent computations: versions are gap-free.
    OrgUnit.objects.select_for_update().get(pk=district.pk)
    runs = RatingRun.objects.filter(district=district, period=period)
    if runs.filter(status=RunStatus.FINAL).exists():
        raise ValidationError(_("The final rating of this period is published already."))
    methodology = methodology or methodology_for(district)
    if methodology.status != MethodologyStatus.APPROVED:
        raise ValidationError(_("Only an approved methodology rates."))
    version = (runs.aggregate(v=Max("version"))["v"] or 0) + 1
    return RatingRun.objects.create(
        district=district,
        period=period,
        methodology=methodology,
        version=version,
        reason=reason[:255],
        computed_by=actor,
    )


def _snapshot(run: RatingRun) -> tuple[dict[tuple[int, str], Decimal | None], dict[int, int]]:
    """The figures and members of the first version of the period: what later versions
    start from (empty before the first version)."""
    first = (
        RatingRun.objects.filter(district=run.district, period=run.period, version__lt=run.version)
        .exclude(status__in=[RunStatus.COMPUTING, RunStatus.FAILED])
        .order_by("version")
        .first()
    )
    if first is None:
        return {}, {}
    rows = IndicatorScore.objects.filter(score__run=first, corrected=False).values_list(
        "score__primary_id", "indicator__kpi", "raw"
    )
    members = dict(first.scores.values_list("primary_id", "members"))
    return {(primary, kpi): raw for primary, kpi, raw in rows}, members


def _corrections(run: RatingRun) -> dict[tuple[int, str], Decimal]:
    """Upheld objections of the period: the accepted value replaces the figure."""
    rows = Objection.objects.filter(
        score__run__district=run.district,
        score__run__period=run.period,
        status__in=[ObjectionStatus.UPHELD, ObjectionStatus.PARTLY],
    ).values_list("score__primary_id", "indicator__kpi", "accepted_value", "decided_at")
    result = {}
    for primary, kpi, value, _at in sorted(rows, key=lambda r: r[3]):
        result[(primary, kpi)] = value
    return result


def rating_execute(
    *, run: RatingRun, on_progress: Callable[[int], None] | None = None
) -> RatingRun:
    """Compute the run: one KPI call per indicator for all the district's primaries, the
    arithmetic of `compute`, the Monte Carlo of ranks; store every primary's score and its
    lines; tell the chairs the provisional rating is out, with the objection deadline."""
    run = RatingRun.objects.select_related("district", "period", "methodology").get(pk=run.pk)
    period = run.period
    methodology = run.methodology
    primaries = list(
        OrgUnit.objects.filter(
            path__startswith=run.district.path, kind=OrgKind.PRIMARY, is_active=True
        ).values_list("pk", flat=True)
    )
    snapshot, members = _snapshot(run)
    if not members:
        members = member_counts_on(primaries, period.end)
    else:  # a primary opened after the snapshot is not in it
        primaries = [p for p in primaries if p in members]
    groups = list(methodology.peer_groups.all())
    indicators = list(
        Indicator.objects.filter(dimension__methodology=methodology).select_related("dimension")
    )
    corrections = _corrections(run)
    raw: dict[int, dict[int, Decimal | None]] = {p: {} for p in primaries}
    kpi_period = kpis.Period(period.start, period.end)
    fetched: dict[str, dict[int, float]] = {}
    for done, indicator in enumerate(indicators, start=1):
        if not snapshot or any((p, indicator.kpi) not in snapshot for p in primaries):
            if indicator.kpi not in fetched:
                # The heavy part (aggregates over the district's period): on the replica when
                # it is usable; a closed period's figures do not change in its lag.
                fetched[indicator.kpi] = (
                    read_on_replica(
                        functools.partial(kpis.compute, indicator.kpi, primaries, kpi_period)
                    )
                    if indicator.kpi in kpis.REGISTRY
                    else {}
                )
            values = {
                p: (None if v is None else Decimal(str(round(v, 4))))
                for p, v in fetched[indicator.kpi].items()
            }
        else:
            values = {p: snapshot[(p, indicator.kpi)] for p in primaries}
        for primary in primaries:
            raw[primary][indicator.pk] = values.get(primary)
        _progress(run, on_progress, int(70 * done / max(len(indicators), 1)))
    corrected = set()
    by_kpi = {i.kpi: i.pk for i in indicators}
    kpi_of = {i.pk: i.kpi for i in indicators}
    for (primary, kpi), value in corrections.items():
        if primary in raw and kpi in by_kpi:
            raw[primary][by_kpi[kpi]] = value
            corrected.add((primary, by_kpi[kpi]))
    units = []
    group_of = {}
    for primary in primaries:
        group = _peer_group(groups, members.get(primary, 0))
        group_of[primary] = group
        units.append(
            compute.UnitInput(
                primary, members.get(primary, 0), group.pk if group else None, raw[primary]
            )
        )
    rules = rules_of(methodology, period.end.year)
    results = compute.rate(rules, units)
    _progress(run, on_progress, 75)
    intervals = compute.simulate(
        rules,
        units,
        results,
        draws=methodology.mc_draws,
        weight_spread=float(methodology.mc_weight_spread),
        goalpost_spread=float(methodology.mc_goalpost_spread),
        seed=run.pk,
    )
    places = compute.places(results, intervals)
    _progress(run, on_progress, 90)
    medians = _peer_medians(results)
    history = _history(run, primaries)
    with transaction.atomic():
        scores = Score.objects.bulk_create(
            [
                Score(
                    run=run,
                    primary_id=r.key,
                    peer_group=group_of[r.key],
                    members=members.get(r.key, 0),
                    total=r.total,
                    band=r.band,
                    band_limited_by=_floor_text(r, indicators),
                    no_rating_reason=_reason_text(r, indicators),
                    median_rank=Decimal(str(intervals[r.key].median))
                    if r.key in intervals
                    else None,
                    rank_low=intervals[r.key].low if r.key in intervals else None,
                    rank_high=intervals[r.key].high if r.key in intervals else None,
                    place=places.get(r.key),
                )
                for r in results
            ]
        )
        score_of = {s.primary_id: s for s in scores}
        IndicatorScore.objects.bulk_create(
            [
                IndicatorScore(
                    score=score_of[r.key],
                    indicator_id=line.indicator,
                    raw=line.raw,
                    denominator=line.denominator,
                    value=_q4(line.value),
                    capped=line.capped,
                    winsorised=line.winsorised,
                    corrected=(r.key, line.indicator) in corrected,
                    spike=compute.is_spike(
                        history.get((r.key, kpi_of[line.indicator]), []), line.raw
                    ),
                    norm_score=None if line.score is None else line.score.quantize(compute.CENT),
                    weight=line.weight.quantize(Decimal("0.0001")),
                    points=line.points,
                    peer_median=medians.get((r.peer_group, line.indicator)),
                )
                for r in results
                for line in r.lines
            ],
            batch_size=2000,
        )
        run.status = RunStatus.PROVISIONAL
        run.computed_at = timezone.now()
        run.progress = 100
        previous = _latest_run(run.district, period)
        run.objections_until = (
            previous.objections_until
            if previous is not None and previous.objections_until
            else add_working_days(timezone.localdate(), methodology.objection_days)
        )
        run.save()
        _record(
            run,
            "computed",
            _("Version %(version)s computed: %(reason)s")
            % {"version": run.version, "reason": run.reason or _("the period's rating")},
            actor=run.computed_by,
        )
        _tell_chairs(run, primaries)
    return run


def _history(run: RatingRun, primaries: list[int]) -> dict[tuple[int, str], list[Decimal]]:
    """Each primary's figures in the earlier periods of the same kind (the latest version of
    each period), by KPI."""
    rows = (
        IndicatorScore.objects.filter(
            score__run__district=run.district,
            score__run__period__kind=run.period.kind,
            score__run__period__start__lt=run.period.start,
            score__primary_id__anyof=primaries,
            raw__isnull=False,
        )
        .exclude(score__run__status__in=[RunStatus.COMPUTING, RunStatus.FAILED])
        .values_list("score__primary_id", "indicator__kpi", "score__run__period_id",
                     "score__run__version", "raw")
        .order_by("score__run__version")
    )  # fmt: skip
    latest: dict[tuple[int, str, int], Decimal] = {}
    for primary, kpi, period, _version, raw in rows:
        latest[(primary, kpi, period)] = raw  # later versions overwrite earlier ones
    result: dict[tuple[int, str], list[Decimal]] = {}
    for (primary, kpi, _period), raw in latest.items():
        result.setdefault((primary, kpi), []).append(raw)
    return result


def _q4(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.0001"))


def _progress(run: RatingRun, on_progress, percent: int) -> None:
    RatingRun.objects.filter(pk=run.pk).update(progress=percent)
    if on_progress is not None:
        on_progress(percent)


def _peer_medians(results) -> dict[tuple[object, int], Decimal]:
    values: dict[tuple[object, int], list[Decimal]] = {}
    for r in results:
        for line in r.lines:
            if line.value is not None:
                values.setdefault((r.peer_group, line.indicator), []).append(line.value)
    return {key: _q4(compute.percentile(sorted(v), Decimal(50))) for key, v in values.items()}


def _floor_text(result, indicators) -> str:
    if result.band_limited_by is None:
        return ""
    indicator = next(i for i in indicators if i.pk == result.band_limited_by)
    return str(indicator.label)


def _reason_text(result, indicators) -> str:
    if not result.no_rating_reason:
        return ""
    names = sorted(
        {
            str(i.dimension.display_name)
            for i in indicators
            if i.dimension_id in result.missing_dimensions
        }
    )
    return _("No data for more than the methodology allows: %(dimensions)s.") % {
        "dimensions": ", ".join(names)
    }


def _tell_chairs(run: RatingRun, primaries: list[int]) -> None:

    text = _(
        "The provisional rating of %(period)s is published (version %(version)s). Objections "
        "until %(date)s."
    ) % {
        "period": run.period,
        "version": run.version,
        "date": run.objections_until.strftime("%d.%m.%Y"),
    }
    for primary_id, phone in current_chairs_contacts(primaries).items():
        notification_queue(
            channel="sms",
            to=phone,
            body=text,
            kind="rating_provisional",
            ref=f"rating:{run.pk}",
            dedupe_key=f"rating:{run.pk}:{primary_id}",
        )


def rating_compute(
    *,
    actor,
    district: OrgUnit,
    period: RatingPeriod,
    methodology: Methodology | None = None,
    reason: str = "",
) -> RatingRun:
    """Start and compute a new version in one go (the demo, the tests, the shell)."""
    run = rating_start(
        actor=actor, district=district, period=period, methodology=methodology, reason=reason
    )
    return rating_execute(run=run)


def _open_objections(district: OrgUnit, period: RatingPeriod):
    return Objection.objects.filter(
        score__run__district=district, score__run__period=period, status=ObjectionStatus.OPEN
    )


@transaction.atomic
def objection_raise(
    *,
    actor,
    score: Score,
    indicator: Indicator,
    text: str,
    claimed_value: Decimal | None = None,
    upload=None,
) -> Objection:
    """The chair objects to one indicator of their primary's provisional rating, with the
    evidence, within the objection window. The district commission is told."""
    score = Score.objects.select_related("run__district", "run__period", "primary").get(pk=score.pk)
    _require(actor, Perm.RATING_OBJECT, score.primary)
    run = score.run
    latest = _latest_run(run.district, run.period)
    if latest is None or latest.pk != run.pk or run.status != RunStatus.PROVISIONAL:
        raise ValidationError(_("Objections are to the latest provisional rating only."))
    if timezone.localdate() > run.objections_until:
        raise ValidationError(
            _("The objection window closed on %(date)s.")
            % {"date": run.objections_until.strftime("%d.%m.%Y")}
        )
    if not score.lines.filter(indicator=indicator).exists():
        raise ValidationError({"indicator": _("Choose an indicator of this rating.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Say what is wrong and give the evidence.")})
    if claimed_value is not None and claimed_value < 0:
        raise ValidationError({"claimed_value": _("A figure is not negative.")})
    objection = Objection(
        score=score,
        indicator=indicator,
        text=text.strip(),
        claimed_value=claimed_value,
        raised_by=actor,
        decide_by=add_working_days(timezone.localdate(), run.methodology.decision_days),
    )
    if upload is not None:
        validate_upload(upload)
        objection.file.save(upload.name, upload, save=False)
    objection.save()
    _record(
        run,
        "objection",
        _("Objection by %(primary)s to «%(indicator)s»")
        % {"primary": score.primary, "indicator": indicator.label},
        actor=actor,
        objection=objection,
    )
    _tell_commission(run, objection)
    return objection


def _tell_commission(run: RatingRun, objection: Objection) -> None:

    body = _("An objection to the rating of %(primary)s awaits a decision by %(date)s.") % {
        "primary": objection.score.primary,
        "date": objection.decide_by.strftime("%d.%m.%Y"),
    }
    for user in users_with_perm_in(Perm.RATING_DECIDE, run.district):
        notification_queue(
            channel="email",
            to=user.email,
            subject=_("Rating objection"),
            body=body,
            kind="rating_objection",
            ref=f"objection:{objection.pk}",
            dedupe_key=f"objection:{objection.pk}:{user.pk}",
        )


def objections_overdue_remind() -> int:
    """Remind the district's commission, once a day, of every objection still undecided
    after its 10 working days (point 7): one outbox message per objection and decider.
    Returns how many objections are overdue."""

    today = timezone.localdate()
    overdue = Objection.objects.filter(
        status=ObjectionStatus.OPEN, decide_by__lt=today
    ).select_related("score__primary", "score__run__district")
    count = 0
    for objection in overdue:
        count += 1
        body = _(
            "The objection to the rating of %(primary)s is overdue: it was to be decided "
            "by %(date)s."
        ) % {
            "primary": objection.score.primary,
            "date": objection.decide_by.strftime("%d.%m.%Y"),
        }
        for user in users_with_perm_in(Perm.RATING_DECIDE, objection.score.run.district):
            notification_queue(
                channel="email",
                to=user.email,
                subject=_("Rating objection overdue"),
                body=body,
                kind="rating_objection_overdue",
                ref=f"objection:{objection.pk}",
                dedupe_key=f"objection:{objection.pk}:overdue:{today.isoformat()}:{user.pk}",
            )
    return count


@transaction.atomic
def objection_decide(
    *,
    actor,
    objection: Objection,
    decision: str,
    reason: str,
    accepted_value: Decimal | None = None,
) -> Objection:
    """The district commission decides: upheld (the claimed value stands), partly upheld
    (the value the commission accepts) or rejected, with reasons. Whoever objected, or holds
    a role at the objecting primary, does not decide. The objector is told."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("score__run__district", "score__primary", "indicator")
        .get(pk=objection.pk)
    )
    run = objection.score.run
    _require(actor, Perm.RATING_DECIDE, run.district)
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("This objection is decided already."))
    primary_path = objection.score.primary.path
    if objection.raised_by_id == actor.pk or _holds_role_at(actor, primary_path):
        raise ValidationError(
            _("Whoever objected or works at the objecting primary does not decide.")
        )
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose upheld, partly upheld or rejected.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reasons for the decision.")})
    if decision == ObjectionStatus.UPHELD:
        accepted_value = accepted_value if accepted_value is not None else objection.claimed_value
    if decision in (ObjectionStatus.UPHELD, ObjectionStatus.PARTLY) and accepted_value is None:
        raise ValidationError({"accepted_value": _("Give the value the commission accepts.")})
    if decision == ObjectionStatus.REJECTED:
        accepted_value = None
    objection.status = decision
    objection.decision_reason = reason.strip()
    objection.accepted_value = accepted_value
    objection.decided_by, objection.decided_at = actor, timezone.now()
    objection.save()
    _record(
        run,
        "decision",
        _("Objection #%(pk)s: %(decision)s")
        % {"pk": objection.pk, "decision": objection.get_status_display()},
        actor=actor,
        objection=objection,
    )
    _tell_objector(objection)
    return objection


def _holds_role_at(user, path: str) -> bool:
    """A role held at the primary itself (its chair, treasurer...): those who enter its data."""
    return user.role_assignments.filter(revoked_at__isnull=True, org_unit__path=path).exists()


def _tell_objector(objection: Objection) -> None:

    user = objection.raised_by
    phone = user.person.phone if user.person_id else ""
    body = _("Your objection to the rating (%(indicator)s): %(decision)s. %(reason)s") % {
        "indicator": objection.indicator.label,
        "decision": objection.get_status_display(),
        "reason": objection.decision_reason[:200],
    }
    if phone:
        notification_queue(
            channel="sms", to=phone, body=body, kind="rating_decision",
            ref=f"objection:{objection.pk}", dedupe_key=f"objection:{objection.pk}:decided",
        )  # fmt: skip
    else:
        notification_queue(
            channel="email", to=user.email, subject=_("Rating objection"), body=body,
            kind="rating_decision", ref=f"objection:{objection.pk}",
            dedupe_key=f"objection:{objection.pk}:decided",
        )  # fmt: skip


def rating_recompute(*, actor, run: RatingRun) -> RatingRun:
    """A new version after the commission's decisions: the snapshot's figures with the
    accepted values of upheld objections."""
    decided = Objection.objects.filter(
        score__run__district=run.district,
        score__run__period=run.period,
        status__in=[ObjectionStatus.UPHELD, ObjectionStatus.PARTLY],
    ).count()
    return rating_compute(
        actor=actor,
        district=run.district,
        period=run.period,
        methodology=run.methodology,
        reason=_("recomputed after %(n)s upheld objection(s)") % {"n": decided},
    )


@transaction.atomic
def rating_finalize(*, actor, run: RatingRun) -> RatingRun:
    """Publish the latest version as final once the objection window has passed and every
    objection is decided (and the decisions recomputed)."""
    run = RatingRun.objects.select_for_update().select_related("district", "period").get(pk=run.pk)
    _require(actor, Perm.RATING_MANAGE, run.district)
    latest = _latest_run(run.district, run.period)
    if latest is None or latest.pk != run.pk or run.status != RunStatus.PROVISIONAL:
        raise ValidationError(_("Only the latest provisional version becomes final."))
    if timezone.localdate() <= run.objections_until:
        raise ValidationError(
            _("Objections are open until %(date)s.")
            % {"date": run.objections_until.strftime("%d.%m.%Y")}
        )
    if _open_objections(run.district, run.period).exists():
        raise ValidationError(_("Some objections await the commission's decision."))
    late = Objection.objects.filter(
        score__run__district=run.district,
        score__run__period=run.period,
        status__in=[ObjectionStatus.UPHELD, ObjectionStatus.PARTLY],
        decided_at__gt=run.computed_at,
    )
    if late.exists():
        raise ValidationError(_("Recompute the rating after the upheld objections first."))
    run.status, run.final_at = RunStatus.FINAL, timezone.now()
    run.save()
    _record(run, "final", _("Version %(v)s published as final") % {"v": run.version}, actor=actor)
    primaries = list(run.scores.values_list("primary_id", flat=True))
    _tell_final(run, primaries)
    return run


def _tell_final(run: RatingRun, primaries: list[int]) -> None:

    text = _("The final rating of %(period)s is published.") % {"period": run.period}
    for primary_id, phone in current_chairs_contacts(primaries).items():
        notification_queue(
            channel="sms", to=phone, body=text, kind="rating_final", ref=f"rating:{run.pk}",
            dedupe_key=f"rating-final:{run.pk}:{primary_id}",
        )  # fmt: skip


def _last_closed(kind: str, today: dt.date) -> RatingPeriod:
    """The latest period of `kind` that has closed by `today`."""
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    month = (today.month - 1) // months * months  # the current period's first month - 1
    start = dt.date(today.year, month + 1, 1)
    while True:
        back = start.month - 1 - months
        start = dt.date(start.year + back // 12, back % 12 + 1, 1)
        period = period_ensure(kind=kind, start=start)
        if period.closes_on <= today:
            return period


def ratings_compute_due(*, today: dt.date | None = None) -> list[RatingRun]:
    """On schedule: the first version of every district's rating for the month (a snapshot),
    the quarter and the year that have closed and have none yet. Nobody acts: the runs say
    «computed on schedule»."""
    today = today or timezone.localdate()
    done = []
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        period = _last_closed(kind, today)
        districts = OrgUnit.objects.filter(kind=OrgKind.DISTRICT, is_active=True).exclude(
            pk__in=RatingRun.objects.filter(period=period).values("district_id")
        )
        for district in districts:
            with transaction.atomic():
                run = RatingRun.objects.create(
                    district=district,
                    period=period,
                    methodology=methodology_for(district),
                    version=1,
                    reason=_("computed on schedule"),
                )
            try:
                done.append(rating_execute(run=run))
            except Exception as exc:  # one district's failure does not stop the others
                run_fail(run=run, error=f"{type(exc).__name__}: {exc}")
    return done


def run_fail(*, run: RatingRun, error: str) -> None:
    RatingRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=error[:2000])
