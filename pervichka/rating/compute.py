"""The rating's arithmetic, with no database: what anyone can recompute by hand.

For each indicator of each primary:
  value  = raw, or raw / members × 100 for "per 100 members";
  value  is winsorised at the methodology's percentiles of all the district's values (only
         when there are at least WINSOR_MIN_COUNT of them: a percentile of five primaries
         would cut real figures), then limited to the indicator's cap;
  score  = clamp((f(value) − f(L)) / (f(U) − f(L)), 0, 1) × 100 against the goalposts
         L < U of the primary's peer group (100 − that when lower is better), where f is
         the identity, or, for an indicator with a knee k (diminishing returns), f(v) = v up
         to k and f(v) = k × √(v / k) above it: beyond the knee each further unit earns
         less, and U still scores 100.
A dimension is the mean of its indicators that have data; a dimension with none is "no data",
never imputed, and its weight goes to the others in proportion to theirs. An indicator's
weight is its dimension's share of the available weight divided by the dimension's
indicators with data; its points are score × weight. The total is the sum of the points
rounded to hundredths (half up), and the points shown are rounded so that they add up to it
exactly (largest remainders). Bands come from the total; a quality floor not met limits the
band.

The Monte Carlo (`simulate`) varies the dimension weights and the goalposts and gives each
rated primary its median rank and its 90% rank interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import numpy as np

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
WINSOR_MIN_COUNT = 20
BAND_ORDER = "ABCDE"


@dataclass(frozen=True)
class IndicatorRule:
    key: int
    direction: str  # "higher" | "lower"
    denominator: str  # "per_100" | "share" | "count"
    cap: Decimal | None
    # peer group key (None: every group) -> (L, U) with L < U
    goalposts: dict[object, tuple[Decimal, Decimal]]
    knee: Decimal | None = None  # diminishing returns above it (see damp)

    def goalposts_for(self, peer_group: object) -> tuple[Decimal, Decimal] | None:
        return self.goalposts.get(peer_group) or self.goalposts.get(None)


@dataclass(frozen=True)
class DimensionRule:
    key: int
    weight: Decimal
    indicators: tuple[IndicatorRule, ...]


@dataclass(frozen=True)
class Floor:
    indicator: int
    minimum: Decimal
    best_band: str


@dataclass(frozen=True)
class Rules:
    dimensions: tuple[DimensionRule, ...]
    max_missing_weight: Decimal = Decimal("0.34")  # a share of the total weight
    winsor: tuple[Decimal, Decimal] = (Decimal(5), Decimal(95))
    bands: tuple[tuple[str, Decimal], ...] = (
        ("A", Decimal(85)),
        ("B", Decimal(70)),
        ("C", Decimal(55)),
        ("D", Decimal(40)),
    )
    floors: tuple[Floor, ...] = ()

    @property
    def indicators(self) -> list[IndicatorRule]:
        return [i for d in self.dimensions for i in d.indicators]


@dataclass(frozen=True)
class UnitInput:
    key: int
    members: int
    peer_group: object
    raw: dict[int, Decimal | None]  # indicator key -> raw figure; None or absent: no data


@dataclass
class Line:
    indicator: int
    dimension: int
    raw: Decimal | None
    denominator: Decimal | None
    value: Decimal | None = None
    winsorised: bool = False
    capped: bool = False
    damped: bool = False  # above the knee: diminishing returns
    score: Decimal | None = None
    weight: Decimal = Decimal(0)  # percent of the total
    points: Decimal = Decimal(0)
    exact_points: Decimal = Decimal(0)


@dataclass
class UnitResult:
    key: int
    peer_group: object
    total: Decimal | None = None
    band: str = ""
    band_limited_by: int | None = None
    no_rating_reason: str = ""
    missing_dimensions: list[int] = field(default_factory=list)
    dimension_scores: dict[int, Decimal | None] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)


def is_spike(history: Sequence[Decimal], value: Decimal | None, *, minimum: int = 3) -> bool:
    """A value above three standard deviations of the unit's own history (at least `minimum`
    earlier periods): counted, but flagged for the district to review."""
    if value is None or len(history) < minimum:
        return False
    mean = sum(history, Decimal(0)) / len(history)
    variance = sum(((x - mean) ** 2 for x in history), Decimal(0)) / len(history)
    return value > mean + 3 * variance.sqrt() and value != mean


def percentile(sorted_values: Sequence[Decimal], pct: Decimal) -> Decimal:
    """Linear interpolation between closest ranks (numpy's default), exact in Decimal."""
    n = len(sorted_values)
    if n == 1:
        return sorted_values[0]
    position = (Decimal(n - 1) * pct) / HUNDRED
    below = int(position)
    if below >= n - 1:
        return sorted_values[-1]
    fraction = position - below
    return sorted_values[below] + (sorted_values[below + 1] - sorted_values[below]) * fraction


def normalise(raw: Decimal | None, rule: IndicatorRule, members: int) -> Decimal | None:
    if raw is None:
        return None
    if rule.denominator == "per_100":
        if not members:
            return None
        return raw / Decimal(members) * HUNDRED
    return raw


def damp(value: Decimal, knee: Decimal | None) -> Decimal:
    """Diminishing returns: the identity up to the knee, k × √(v / k) above it (concave, and
    continuous at the knee). With no knee (or a knee of 0 or less), the identity."""
    if knee is None or knee <= 0 or value <= knee:
        return value
    return knee * (value / knee).sqrt()


def score_value(
    value: Decimal, low: Decimal, high: Decimal, direction: str, knee: Decimal | None = None
) -> Decimal:
    if knee is not None:
        value, low, high = damp(value, knee), damp(low, knee), damp(high, knee)
    fraction = (value - low) / (high - low)
    fraction = min(max(fraction, Decimal(0)), Decimal(1))
    score = fraction * HUNDRED
    return HUNDRED - score if direction == "lower" else score


def band_of(total: Decimal, bands: Sequence[tuple[str, Decimal]]) -> str:
    for band, threshold in bands:
        if total >= threshold:
            return band
    return BAND_ORDER[len(bands)] if len(bands) < len(BAND_ORDER) else bands[-1][0]


def worse_band(a: str, b: str) -> str:
    return max(a, b, key=BAND_ORDER.index)


def allocate(exact: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """Round non-negative `exact` parts to hundredths so that they add up to `total` (itself
    the rounded sum): floor each, then give the missing cents to the largest remainders."""
    floors = [x.quantize(CENT, rounding=ROUND_DOWN) for x in exact]
    missing = int(((total - sum(floors, Decimal(0))) / CENT).to_integral_value())
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += CENT
    return floors


def prepare(rules: Rules, units: Sequence[UnitInput]) -> dict[int, dict[int, Line]]:
    """Every unit's lines with value, winsorising and cap applied (no scores yet)."""
    lines: dict[int, dict[int, Line]] = {u.key: {} for u in units}
    for dimension in rules.dimensions:
        for rule in dimension.indicators:
            values = []
            for unit in units:
                raw = unit.raw.get(rule.key)
                line = Line(
                    indicator=rule.key,
                    dimension=dimension.key,
                    raw=raw,
                    denominator=Decimal(unit.members) if rule.denominator == "per_100" else None,
                    value=normalise(raw, rule, unit.members),
                )
                lines[unit.key][rule.key] = line
                if line.value is not None:
                    values.append(line.value)
            if len(values) >= WINSOR_MIN_COUNT:
                ordered = sorted(values)
                low = percentile(ordered, rules.winsor[0])
                high = percentile(ordered, rules.winsor[1])
                for unit in units:
                    line = lines[unit.key][rule.key]
                    if line.value is not None and not low <= line.value <= high:
                        line.value = min(max(line.value, low), high)
                        line.winsorised = True
            if rule.cap is not None:
                for unit in units:
                    line = lines[unit.key][rule.key]
                    if line.value is not None and line.value > rule.cap:
                        line.value = rule.cap
                        line.capped = True
    return lines


def rate(rules: Rules, units: Sequence[UnitInput]) -> list[UnitResult]:
    prepared = prepare(rules, units)
    total_weight = sum((d.weight for d in rules.dimensions), Decimal(0))
    results = []
    for unit in units:
        result = UnitResult(key=unit.key, peer_group=unit.peer_group)
        unit_lines = prepared[unit.key]
        available: dict[int, list[Line]] = {}
        for dimension in rules.dimensions:
            with_data = []
            for rule in dimension.indicators:
                line = unit_lines[rule.key]
                result.lines.append(line)
                posts = rule.goalposts_for(unit.peer_group)
                if line.value is None or posts is None:
                    continue
                line.score = score_value(line.value, posts[0], posts[1], rule.direction, rule.knee)
                line.damped = rule.knee is not None and 0 < rule.knee < line.value
                with_data.append(line)
            if with_data:
                available[dimension.key] = with_data
                mean = sum((line.score for line in with_data), Decimal(0)) / len(with_data)
                result.dimension_scores[dimension.key] = mean
            else:
                result.missing_dimensions.append(dimension.key)
                result.dimension_scores[dimension.key] = None
        available_weight = sum(
            (d.weight for d in rules.dimensions if d.key in available), Decimal(0)
        )
        missing_share = (
            (total_weight - available_weight) / total_weight if total_weight else Decimal(1)
        )
        if not available or missing_share > rules.max_missing_weight:
            result.no_rating_reason = "missing"
            results.append(result)
            continue
        for dimension in rules.dimensions:
            with_data = available.get(dimension.key)
            if not with_data:
                continue
            share = dimension.weight / available_weight / len(with_data)
            for line in with_data:
                line.weight = share * HUNDRED
                line.exact_points = line.score * share
        exact = [line.exact_points for line in result.lines]
        result.total = sum(exact, Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
        for line, points in zip(result.lines, allocate(exact, result.total), strict=True):
            line.points = points
        result.band = band_of(result.total, rules.bands)
        for floor in rules.floors:
            line = unit_lines.get(floor.indicator)
            if line is None or line.value is None or line.value >= floor.minimum:
                continue
            limited = worse_band(result.band, floor.best_band)
            if limited != result.band:
                result.band, result.band_limited_by = limited, floor.indicator
        results.append(result)
    return results


@dataclass
class RankInterval:
    median: float
    low: int
    high: int


def simulate(
    rules: Rules,
    units: Sequence[UnitInput],
    results: Sequence[UnitResult],
    *,
    draws: int,
    weight_spread: float = 0.25,
    goalpost_spread: float = 0.10,
    seed: int = 0,
) -> dict[int, RankInterval]:
    """Ranks of the rated units under `draws` random methodologies: each dimension's weight
    times a factor uniform in 1 ± weight_spread, each goalpost moved by a share of its span
    uniform in ± goalpost_spread. Rank 1 is the best."""

    rated = [r for r in results if r.total is not None]
    if not rated:
        return {}
    by_key = {u.key: u for u in units}
    indicators = rules.indicators  # dimension by dimension: each dimension's columns adjoin
    dims = list(rules.dimensions)
    starts = np.cumsum([0] + [len(d.indicators) for d in dims[:-1]])
    n, m = len(rated), len(indicators)
    # Each score is clamp((x - L') / (U' - L'), 0, 1) with L' = L + dl * span and
    # U' = U + dh * span per indicator, which is clamp((B - dl) / (1 + dh - dl), 0, 1) for
    # B = (x - L) / span: one affine map of a fixed matrix per draw.
    # Single precision: a rank needs no more, and it halves the memory traffic of each draw.
    base = np.zeros((n, m), dtype=np.float32)
    present = np.zeros((n, m), dtype=np.float32)
    for row, result in enumerate(rated):
        lines = {line.indicator: line for line in result.lines}
        for col, rule in enumerate(indicators):
            posts = rule.goalposts_for(by_key[result.key].peer_group)
            line = lines[rule.key]
            if posts is not None and line.value is not None:
                # With a knee, the goalposts move in the damped scale (see damp).
                low, high = float(damp(posts[0], rule.knee)), float(damp(posts[1], rule.knee))
                x = float(damp(line.value, rule.knee))
                base[row, col] = (x - low) / (high - low)
                present[row, col] = 1.0
    reverse = np.array([rule.direction == "lower" for rule in indicators])
    counts = np.add.reduceat(present, starts, axis=1)
    has_dim = (counts > 0).astype(np.float32)
    inv_counts = np.divide(1.0, counts, out=np.zeros_like(counts), where=counts > 0)
    # Each present score's share of its dimension's mean: 1 / (the unit's indicators with
    # data in that dimension); a missing one 0.
    dim_of = np.repeat(np.arange(len(dims)), [len(d.indicators) for d in dims])
    share = (present * inv_counts[:, dim_of]).astype(np.float32)
    weights = np.array([float(d.weight) for d in dims])
    rng = np.random.default_rng(seed)
    # The draws' random methodologies, drawn one after the other as always (the same seed
    # gives the same draws), then computed in batches: a batch of draws is a few array
    # passes over a (batch, units, indicators) block instead of a Python loop per draw.
    w_all = np.empty((draws, len(dims)))
    a_all = np.empty((draws, m), dtype=np.float32)
    b_all = np.empty((draws, m), dtype=np.float32)
    for draw in range(draws):
        w = weights * (1 + rng.uniform(-weight_spread, weight_spread, len(dims)))
        dl = rng.uniform(-goalpost_spread, goalpost_spread, m)
        dh = rng.uniform(-goalpost_spread, goalpost_spread, m)
        a = 1.0 / (1.0 + dh - dl)
        b = -dl * a
        a, b = np.where(reverse, -a, a), np.where(reverse, 1.0 - b, b)  # 1 - clamp(y)
        w_all[draw], a_all[draw], b_all[draw] = w, a, b
    denominators = (w_all @ has_dim.T.astype(np.float64)).astype(np.float32)  # (draws, n)
    ranks = np.empty((n, draws), dtype=np.int32)  # unit by unit: the quantiles read rows
    positions = np.arange(1, n + 1, dtype=np.int32)
    batch = max(1, min(draws, 4_000_000 // max(n * m, 1)))
    for first in range(0, draws, batch):
        last = min(first + batch, draws)
        scores = base[None, :, :] * a_all[first:last, None, :]
        scores += b_all[first:last, None, :]
        np.clip(scores, 0.0, 1.0, out=scores)
        scores *= share[None, :, :]
        w_cols = w_all[first:last][:, dim_of].astype(np.float32)  # (batch, m)
        totals = np.matmul(scores, w_cols[:, :, None])[:, :, 0] / denominators[first:last]
        order = np.argsort(-totals, axis=1, kind="stable")
        ranks[order, np.arange(first, last)[:, None]] = positions[None, :]
    low_at = math.floor(0.05 * (draws - 1))  # numpy's "lower" 5th percentile
    high_at = math.ceil(0.95 * (draws - 1))  # and "higher" 95th
    middle = ((draws - 1) // 2, draws // 2)
    ranks.partition(sorted({low_at, high_at, *middle}), axis=1)
    median = (ranks[:, middle[0]] + ranks[:, middle[1]]) / 2
    p5, p95 = ranks[:, low_at], ranks[:, high_at]
    return {
        result.key: RankInterval(float(median[i]), int(p5[i]), int(p95[i]))
        for i, result in enumerate(rated)
    }


def places(results: Sequence[UnitResult], intervals: dict[int, RankInterval]) -> dict[int, int]:
    """A place (by the total) for the rated units whose rank interval overlaps nobody's."""
    rated = [r for r in results if r.total is not None and r.key in intervals]
    shown = {}
    for result in rated:
        mine = intervals[result.key]
        if all(
            other.key == result.key
            or intervals[other.key].high < mine.low
            or intervals[other.key].low > mine.high
            for other in rated
        ):
            shown[result.key] = 1 + sum(1 for other in rated if other.total > result.total)
    return shown
