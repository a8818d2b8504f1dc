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
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pervichka.accounts.models import RoleAssignment
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
    AuditStatus,
    Denominator,
    MethodologyStatus,
    ObjectionStatus,
    PeriodKind,
    RunStatus,
    SettlementGroup,
)
from pervichka.rating.models import (
    AuditItem,
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


SPLIT_NAMES = {
    SettlementGroup.URBAN: ("города", "қалалар", "towns and cities"),
    SettlementGroup.RURAL: ("сёла", "ауылдар", "villages"),
}


@transaction.atomic
def methodology_draft(*, actor, unit: OrgUnit, source: Methodology) -> Methodology:
    """A district or a region starts its own version of `source` (the party-wide default,
    its region's or its own earlier one): a draft copy it edits within the limits `source`
    sets (`methodology_edit`) and then approves with a rationale (`methodology_approve`)."""
    _require(actor, Perm.RATING_MANAGE, unit)
    if unit.kind not in (OrgKind.DISTRICT, OrgKind.REGION):
        raise ValidationError(_("A district or a region adopts a methodology."))
    if source.status != MethodologyStatus.APPROVED:
        raise ValidationError(_("Only an approved methodology is adopted."))
    code = f"unit-{unit.pk}"
    OrgUnit.objects.select_for_update().get(pk=unit.pk)  # versions are gap-free
    version = (Methodology.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
    copy = Methodology.objects.get(pk=source.pk)
    copy.pk = None
    copy.code, copy.version, copy.unit, copy.adopted_from = code, version, unit, source
    copy.status = MethodologyStatus.DRAFT
    copy.rationale = ""
    copy.approved_by, copy.approved_at = None, None
    copy.save()
    groups = {}
    for group in source.peer_groups.all():
        old = group.pk
        group.pk, group.methodology = None, copy
        group.save()
        groups[old] = group
    indicators = {}
    for dimension in source.dimensions.prefetch_related("indicators__goalposts"):
        old_indicators = list(dimension.indicators.all())
        dimension.pk, dimension.methodology = None, copy
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
    for floor in source.quality_floors.all():
        floor.pk, floor.methodology = None, copy
        floor.indicator = indicators[floor.indicator_id]
        floor.save()
    return copy


def _draft_of(actor, draft: Methodology) -> Methodology:
    draft = (
        Methodology.objects.select_for_update(of=("self",)).select_related("unit").get(pk=draft.pk)
    )
    if draft.unit is None:
        raise Http404
    _require(actor, Perm.RATING_MANAGE, draft.unit)
    if draft.status != MethodologyStatus.DRAFT:
        raise ValidationError(_("An approved methodology is not edited: start a new draft."))
    return draft


def _source_group(source: Methodology, group: PeerGroup | None) -> PeerGroup | None:
    """The group of the version above that `group` comes from (a split group from the
    group it was split from)."""
    if group is None:
        return None
    groups = {g.code: g for g in source.peer_groups.all()}
    return groups.get(group.code) or groups.get(group.code.rsplit("-", 1)[0])


@transaction.atomic
def methodology_edit(
    *,
    actor,
    draft: Methodology,
    weights: dict[str, Decimal] | None = None,
    goalposts: dict[tuple[str, str | None], tuple[Decimal, Decimal]] | None = None,
    split_settlements: bool = False,
) -> Methodology:
    """Change a draft's weights (by dimension code) and goalposts (by KPI and peer group
    code, for the current year), each within the limits the version above sets: a weight
    by at most `weight_tolerance` of its own value there, a goalpost by at most
    `goalpost_tolerance` of the span there. `split_settlements` splits every peer group
    into its towns and its villages (each keeping the goalposts, to be told apart)."""
    draft = _draft_of(actor, draft)
    source = draft.adopted_from
    weights, goalposts = weights or {}, goalposts or {}
    errors = []
    base_weights = {d.code: d.weight for d in source.dimensions.all()}
    dimensions = list(draft.dimensions.prefetch_related("indicators__goalposts"))
    for dimension in dimensions:
        if dimension.code not in weights:
            continue
        new, base = weights[dimension.code], base_weights.get(dimension.code, dimension.weight)
        if new < 0 or abs(new - base) > base * source.weight_tolerance:
            errors.append(
                _("The weight of «%(name)s» may change by at most %(share)s%% of %(weight)s.")
                % {
                    "name": dimension.display_name,
                    "share": int(source.weight_tolerance * 100),
                    "weight": base,
                }
            )
    if errors:
        raise ValidationError(errors)
    for dimension in dimensions:
        if dimension.code in weights and weights[dimension.code] != dimension.weight:
            dimension.weight = weights[dimension.code]
            dimension.save(update_fields=["weight"])
    groups = {g.code: g for g in draft.peer_groups.all()}
    source_indicators = {
        i.kpi: i
        for i in Indicator.objects.filter(dimension__methodology=source).prefetch_related(
            "goalposts"
        )
    }
    year = timezone.localdate().year
    indicators = {
        i.kpi: i
        for i in Indicator.objects.filter(dimension__methodology=draft).prefetch_related(
            "goalposts"
        )
    }
    for (kpi, group_code), (low, high) in goalposts.items():
        indicator = indicators.get(kpi)
        group = groups.get(group_code) if group_code else None
        if indicator is None or (group_code and group is None):
            raise ValidationError(_("No goalposts to change for %(kpi)s.") % {"kpi": kpi})
        base = (
            _goalposts_of(source_indicators[kpi], _source_group(source, group), year)
            if kpi in source_indicators
            else None
        )
        if base is None:
            raise ValidationError(_("No goalposts to change for %(kpi)s.") % {"kpi": kpi})
        limit = (base[1] - base[0]) * source.goalpost_tolerance
        if abs(low - base[0]) > limit or abs(high - base[1]) > limit or low >= high:
            raise ValidationError(
                _("The goalposts of «%(name)s» may move by at most %(limit)s.")
                % {"name": indicator.label, "limit": limit.normalize()}
            )
        if _goalposts_of(indicator, group, year) != (low, high):
            Goalpost.objects.update_or_create(
                indicator=indicator, peer_group=group, year=year,
                defaults={"low": low, "high": high},
            )  # fmt: skip
    # After the goalposts: a group's new goalposts go to both its towns and its villages.
    if split_settlements and not draft.peer_groups.exclude(settlement="").exists():
        _split_groups(draft)
    return draft


def _split_groups(draft: Methodology) -> None:
    """Each size group becomes its towns' (the group itself) and its villages' (a copy,
    with copies of its goalposts)."""
    for group in list(draft.peer_groups.all()):
        posts = list(Goalpost.objects.filter(peer_group=group))
        base = (group.name, group.name_kk, group.name_en)
        rural = PeerGroup.objects.get(pk=group.pk)
        group.code = f"{group.code}-{SettlementGroup.URBAN}"[:20]
        group.settlement = SettlementGroup.URBAN
        group.name, group.name_kk, group.name_en = (
            f"{b} · {n}"[:255]
            for b, n in zip(base, SPLIT_NAMES[SettlementGroup.URBAN], strict=True)
        )
        group.save()
        rural.pk = None
        rural.code = f"{rural.code}-{SettlementGroup.RURAL}"[:20]
        rural.settlement = SettlementGroup.RURAL
        rural.name, rural.name_kk, rural.name_en = (
            f"{b} · {n}"[:255]
            for b, n in zip(base, SPLIT_NAMES[SettlementGroup.RURAL], strict=True)
        )
        rural.save()
        for post in posts:
            post.pk, post.peer_group = None, rural
            post.save()


@transaction.atomic
def methodology_approve(*, actor, draft: Methodology, rationale: str) -> Methodology:
    """Approve a draft with the written rationale for its changes: from now on it rates
    the unit's districts. Earlier versions stay readable; ratings name their version."""
    draft = _draft_of(actor, draft)
    if not (rationale or "").strip():
        raise ValidationError({"rationale": _("Give the rationale for the changes.")})
    draft.status = MethodologyStatus.APPROVED
    draft.rationale = rationale.strip()[:5000]
    draft.approved_by, draft.approved_at = actor, timezone.now()
    draft.save()
    return draft


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
    """Draft, edit and approve in one go (the demo, the tests, the shell)."""
    if not (rationale or "").strip():
        raise ValidationError({"rationale": _("Give the rationale for the changes.")})
    draft = methodology_draft(actor=actor, unit=unit, source=source)
    methodology_edit(actor=actor, draft=draft, weights=weights, goalposts=goalposts)
    return methodology_approve(actor=actor, draft=draft, rationale=rationale)


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
    groups = list(methodology.peer_groups.all())
    for dimension in methodology.dimensions.prefetch_related("indicators__goalposts"):
        rules = []
        for indicator in dimension.indicators.all():
            posts = {}
            for group in [None, *groups]:
                found = _goalposts_of(indicator, group, year)
                if found is not None and (group is None or found != posts.get(None)):
                    posts[group.pk if group else None] = found
            rules.append(
                compute.IndicatorRule(
                    indicator.pk,
                    indicator.direction,
                    indicator.denominator,
                    indicator.cap,
                    posts,
                    indicator.knee,
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


URBAN_SETTLEMENTS = ("city", "town")


def _peer_group(
    groups: list[PeerGroup], members: int, settlement: str = SettlementGroup.URBAN
) -> PeerGroup | None:
    """The first group whose size range holds the members and whose settlements (if the
    methodology splits them) are the primary's."""
    for group in groups:
        if (
            members >= group.min_members
            and (group.max_members is None or members <= group.max_members)
            and group.settlement in ("", settlement)
        ):
            return group
    return None


def _settlements(primaries: list[int]) -> dict[int, str]:
    """Urban or rural per primary, by its settlement's kind (none recorded: urban)."""
    kinds = dict(OrgUnit.objects.filter(pk__in=primaries).values_list("pk", "settlement__kind"))
    return {
        p: SettlementGroup.RURAL
        if kinds.get(p) and kinds[p] not in URBAN_SETTLEMENTS
        else SettlementGroup.URBAN
        for p in primaries
    }


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


@dataclass
class Prefetched:
    """The KPI figures and the records behind them, fetched once for the primaries of many
    districts (`ratings_compute_period`): each district's run takes its own from them."""

    values: dict[str, dict[int, float]]
    records: dict[str, dict[int, list[kpis.Record]]]
    primaries: dict[str, list[int]] = field(default_factory=dict)  # by district path
    members: dict[int, int] = field(default_factory=dict)
    # What a methodology gives every district that uses it, read once: by (id, year).
    methodologies: dict[tuple[int, int], tuple] = field(default_factory=dict)


def rating_execute(
    *,
    run: RatingRun,
    on_progress: Callable[[int], None] | None = None,
    prefetched: Prefetched | None = None,
    tell: bool = True,
    progress: bool = True,
) -> RatingRun:
    """Compute the run: one KPI call per indicator for all the district's primaries (or
    their part of `prefetched`), the arithmetic of `compute`, the Monte Carlo of ranks;
    store every primary's score and its lines; tell the chairs the provisional rating is
    out, with the objection deadline (with `tell=False` the caller does: the background
    tasks send the messages in a task of their own, after the computation)."""
    run = RatingRun.objects.select_related("district", "period", "methodology").get(pk=run.pk)
    period = run.period
    methodology = run.methodology
    if prefetched is not None and run.district.path in prefetched.primaries:
        primaries = prefetched.primaries[run.district.path]
    else:
        primaries = list(
            OrgUnit.objects.filter(
                path__startswith=run.district.path, kind=OrgKind.PRIMARY, is_active=True
            ).values_list("pk", flat=True)
        )
    snapshot, members = _snapshot(run)
    if not members:
        if prefetched is not None and prefetched.members:
            members = {p: prefetched.members.get(p, 0) for p in primaries}
        else:
            members = member_counts_on(primaries, period.end)
    else:  # a primary opened after the snapshot is not in it
        primaries = [p for p in primaries if p in members]
    key = (methodology.pk, period.end.year)
    if prefetched is not None and key in prefetched.methodologies:
        groups, indicators, rules = prefetched.methodologies[key]
    else:
        groups = list(methodology.peer_groups.all())
        indicators = list(
            Indicator.objects.filter(dimension__methodology=methodology).select_related("dimension")
        )
        rules = rules_of(methodology, period.end.year)
        if prefetched is not None:
            prefetched.methodologies[key] = (groups, indicators, rules)
    corrections = _corrections(run)
    raw: dict[int, dict[int, Decimal | None]] = {p: {} for p in primaries}
    kpi_period = kpis.Period(period.start, period.end)
    fetched: dict[str, dict[int, float]] = dict(prefetched.values) if prefetched else {}
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
            figures = fetched[indicator.kpi]  # may hold other districts' primaries too
            values = {
                p: (None if figures[p] is None else Decimal(str(round(figures[p], 4))))
                for p in primaries
                if p in figures
            }
        else:
            values = {p: snapshot[(p, indicator.kpi)] for p in primaries}
        for primary in primaries:
            raw[primary][indicator.pk] = values.get(primary)
        if done == len(indicators) or done % max(1, len(indicators) // 4) == 0:
            _progress(run, on_progress, int(70 * done / max(len(indicators), 1)), progress)
    by_kpi = {i.kpi: i.pk for i in indicators}
    kpi_of = {i.pk: i.kpi for i in indicators}
    if not snapshot:  # the period's first version draws the district's audit sample
        _audit_draw(
            run, indicators, primaries, kpi_period, prefetched.records if prefetched else None
        )
    removed = _audit_removed(run)
    for (primary, kpi), amount in removed.items():
        value = raw.get(primary, {}).get(by_kpi.get(kpi))
        if value is not None:
            raw[primary][by_kpi[kpi]] = max(value - amount, Decimal(0))
    corrected = set()
    for (primary, kpi), value in corrections.items():
        if primary in raw and kpi in by_kpi:
            raw[primary][by_kpi[kpi]] = value
            corrected.add((primary, by_kpi[kpi]))
    units = []
    group_of = {}
    settlements = _settlements(primaries) if any(g.settlement for g in groups) else {}
    for primary in primaries:
        group = _peer_group(
            groups, members.get(primary, 0), settlements.get(primary, SettlementGroup.URBAN)
        )
        group_of[primary] = group
        units.append(
            compute.UnitInput(
                primary, members.get(primary, 0), group.pk if group else None, raw[primary]
            )
        )
    results = compute.rate(rules, units)
    _progress(run, on_progress, 75, progress)
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
    _progress(run, on_progress, 90, progress)
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
        _insert_lines(
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
                    damped=line.damped,
                    audit_removed=removed.get((r.key, kpi_of[line.indicator]), Decimal(0)),
                    norm_score=None if line.score is None else line.score.quantize(compute.CENT),
                    weight=line.weight.quantize(Decimal("0.0001")),
                    points=line.points,
                    peer_median=medians.get((r.peer_group, line.indicator)),
                )
                for r in results
                for line in r.lines
            ],
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
        if tell:
            rating_tell_chairs(run=run)
    return run


def _audit_draw(
    run: RatingRun,
    indicators: list[Indicator],
    primaries: list[int],
    period: kpis.Period,
    prefetched: dict[str, dict[int, list[kpis.Record]]] | None = None,
) -> None:
    """Draw the period's audit sample once per district: of every counted indicator whose
    KPI names its records, `audit_share` of the records (at least one where there are
    any), at random (seeded by the district and period: the draw can be repeated)."""
    if AuditItem.objects.filter(district=run.district, period=run.period).exists():
        return
    share = run.methodology.audit_share
    if share <= 0:
        return
    pool: list[tuple[int, str, kpis.Record]] = []
    for kpi in _audited_kpis(indicators):
        if prefetched is not None and kpi in prefetched:
            every = prefetched[kpi]
            by_primary = {p: every[p] for p in primaries if p in every}
        else:
            by_primary = kpis.records(kpi, primaries, period)
        for primary, found in sorted(by_primary.items()):
            pool.extend((primary, kpi, record) for record in found)
    if not pool:
        return
    rng = random.Random(f"{run.district_id}:{run.period_id}")
    count = max(1, math.ceil(len(pool) * share))
    AuditItem.objects.bulk_create(
        [
            AuditItem(
                district=run.district,
                period=run.period,
                primary_id=primary,
                kpi=kpi,
                app_label=record.app_label,
                model=record.model,
                record_pk=record.pk,
                label=record.label[:255],
                url_name=record.url_name,
                amount=Decimal(str(record.amount)),
            )
            for primary, kpi, record in rng.sample(pool, min(count, len(pool)))
        ],
        ignore_conflicts=True,
    )


def _insert_lines(lines: list[IndicatorScore]) -> None:
    """Store a run's lines: on PostgreSQL with COPY (a national quarter is some 140,000
    lines, and building the INSERTs' SQL cost more than the database's work), elsewhere
    with bulk_create. Lines send no signals either way; the run's save that follows moves
    the cached figures on."""
    if connection.vendor != "postgresql":
        IndicatorScore.objects.bulk_create(lines, batch_size=2000)
        return
    fields = [f for f in IndicatorScore._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    sql = f'COPY "{IndicatorScore._meta.db_table}" ({columns}) FROM STDIN'
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for line in lines:
            copy.write_row([getattr(line, f.attname) for f in fields])


def _audited_kpis(indicators) -> list[str]:
    """The counted indicators' KPIs (a share is not a count of records)."""
    return sorted({i.kpi for i in indicators if i.denominator != Denominator.SHARE})


def _audit_removed(run: RatingRun) -> dict[tuple[int, str], Decimal]:
    """What failed audits take off each primary's figure, by KPI."""
    result: dict[tuple[int, str], Decimal] = {}
    for primary, kpi, amount in AuditItem.objects.filter(
        district=run.district, period=run.period, status=AuditStatus.FAILED
    ).values_list("primary_id", "kpi", "amount"):
        result[(primary, kpi)] = result.get((primary, kpi), Decimal(0)) + amount
    return result


@transaction.atomic
def audit_decide(*, actor, item: AuditItem, passed: bool, note: str) -> AuditItem:
    """The district records what the audit found. A failed record's amount comes off the
    figure in the next version (recompute); the breakdown shows it. A failure needs a note."""
    item = (
        AuditItem.objects.select_for_update(of=("self",)).select_related("district").get(pk=item.pk)
    )
    _require(actor, Perm.RATING_MANAGE, item.district)
    if RatingRun.objects.filter(
        district=item.district, period=item.period, status=RunStatus.FINAL
    ).exists():
        raise ValidationError(_("The final rating of this period is published already."))
    note = (note or "").strip()
    if not passed and not note:
        raise ValidationError({"note": _("Say what the audit found.")})
    item.status = AuditStatus.PASSED if passed else AuditStatus.FAILED
    item.note = note[:2000]
    item.decided_by, item.decided_at = actor, timezone.now()
    item.save()
    latest = _latest_run(item.district, item.period)
    if latest is not None:
        _record(
            latest,
            "audit",
            _("Audit of «%(record)s»: %(status)s")
            % {"record": item.label, "status": item.get_status_display()},
            actor=actor,
        )
    return item


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


def _progress(run: RatingRun, on_progress, percent: int, store: bool = True) -> None:
    if store:  # many districts at once (the schedule) store only the end: 100
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


def rating_tell_chairs(*, run: RatingRun) -> None:
    """Tell the chairs of the run's primaries that the provisional rating is out."""
    run = RatingRun.objects.select_related("period").get(pk=run.pk)
    primaries = list(run.scores.values_list("primary_id", flat=True))

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
    entered any of the records behind the disputed figure, does not decide (see
    `disputed_data_entered_by`). The objector is told."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("score__run__district", "score__primary", "indicator")
        .get(pk=objection.pk)
    )
    run = objection.score.run
    _require(actor, Perm.RATING_DECIDE, run.district)
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("This objection is decided already."))
    if objection.raised_by_id == actor.pk:
        raise ValidationError(_("Whoever objected does not decide."))
    if actor.pk in disputed_data_entered_by(objection):
        raise ValidationError(_("Whoever entered the disputed data does not decide."))
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


def disputed_data_entered_by(objection: Objection) -> set[int]:
    """The users who entered the records behind the disputed figure, where its KPI names
    them (events, plantings: each record says who entered it). Where the KPI names no
    records, those who hold a role at the primary itself (its chair, treasurer...) stand
    for them: they are the ones who enter its data."""
    run = objection.score.run
    primary = objection.score.primary
    period = kpis.Period(run.period.start, run.period.end)
    kpi = kpis.REGISTRY.get(objection.indicator.kpi)
    if kpi is not None and kpi.records is not None:
        found = kpis.records(kpi.name, [primary.pk], period).get(primary.pk, [])
        return {r.entered_by for r in found if r.entered_by is not None}
    return set(
        RoleAssignment.objects.filter(revoked_at__isnull=True, org_unit=primary).values_list(
            "user_id", flat=True
        )
    )


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


def ratings_compute_due(*, today: dt.date | None = None, tell: bool = True) -> list[RatingRun]:
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
        runs = []
        for district in districts:
            with transaction.atomic():
                runs.append(
                    RatingRun.objects.create(
                        district=district,
                        period=period,
                        methodology=methodology_for(district),
                        version=1,
                        reason=_("computed on schedule"),
                    )
                )
        done.extend(ratings_execute_many(runs, tell=tell))
    return done


def ratings_execute_many(runs: list[RatingRun], *, tell: bool = True) -> list[RatingRun]:
    """Compute the started runs of one period for many districts at once: each KPI (and
    the records behind it, for the audit sample) is fetched once for all their primaries,
    then each district's run takes its part. One district's failure does not stop the
    others; it is recorded on its run."""
    if not runs:
        return []
    period = runs[0].period
    kpi_period = kpis.Period(period.start, period.end)
    paths = {run.district.path for run in runs}
    size = len(next(iter(paths)))  # the levels are fixed: every district's path is as long
    by_district: dict[str, list[int]] = {}
    for pk, path in OrgUnit.objects.filter(kind=OrgKind.PRIMARY, is_active=True).values_list(
        "pk", "path"
    ):
        if path[:size] in paths:
            by_district.setdefault(path[:size], []).append(pk)
    primaries = [pk for pks in by_district.values() for pk in pks]
    indicators = list(Indicator.objects.filter(dimension__methodology__runs__in=runs).distinct())
    names = sorted({i.kpi for i in indicators if i.kpi in kpis.REGISTRY})
    # The heavy part on the replica when it is usable (a closed period does not change).
    values = {
        name: read_on_replica(functools.partial(kpis.compute, name, primaries, kpi_period))
        for name in names
    }
    records = {
        name: kpis.records(name, primaries, kpi_period) for name in _audited_kpis(indicators)
    }
    prefetched = Prefetched(
        values,
        records,
        primaries={path: by_district.get(path, []) for path in paths},
        members=member_counts_on(primaries, period.end),
    )
    done = []
    for run in runs:
        try:
            done.append(rating_execute(run=run, prefetched=prefetched, tell=tell, progress=False))
        except Exception as exc:  # recorded on the run
            run_fail(run=run, error=f"{type(exc).__name__}: {exc}")
    _analyze_lines()
    return done


def _analyze_lines() -> None:
    """After a batch has copied a quarter's lines (140,000 at national scale), refresh the
    planner's statistics of the lines and scores: a later version reads its period's first
    version by run (`_snapshot`), and with the row counts from before the COPY PostgreSQL
    scans every line instead of using the index (52 ms a district instead of 1 ms)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{IndicatorScore._meta.db_table}", "{Score._meta.db_table}"')


def run_fail(*, run: RatingRun, error: str) -> None:
    RatingRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=error[:2000])
