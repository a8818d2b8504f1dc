"""The rating's arithmetic by hand: every expected figure below is worked out in the comment
beside it, so a reader can check it with a pencil."""

from decimal import Decimal as D

import numpy as np

from pervichka.rating.compute import (
    DimensionRule,
    Floor,
    IndicatorRule,
    Rules,
    UnitInput,
    allocate,
    is_spike,
    percentile,
    places,
    prepare,
    rate,
    simulate,
)


def rule(key, *, direction="higher", denominator="share", cap=None, posts=None):
    return IndicatorRule(key, direction, denominator, cap, posts or {None: (D(0), D(1))})


def rules(**kw):
    dims = (
        DimensionRule(1, D(60), (rule(11), rule(12, direction="lower"))),
        DimensionRule(2, D(40), (
            rule(21, denominator="per_100", cap=D(10), posts={None: (D(0), D(5))}),
        )),
    )  # fmt: skip
    return Rules(dimensions=dims, **kw)


def unit(key, members=50, group=None, **raw):
    return UnitInput(key, members, group, {int(k[1:]): v for k, v in raw.items()})


def by_key(results):
    return {r.key: r for r in results}


def test_hand_computed_total_and_points():
    # i11 = 0.8 -> 80; i12 (lower) = 0.25 -> 100 - 25 = 75; dimension 1 = 77.5
    # i21 = 2 events / 50 members * 100 = 4 per 100 -> 4/5 = 80; dimension 2 = 80
    # total = 0.6 * 77.5 + 0.4 * 80 = 46.5 + 32 = 78.5; points 24 + 22.5 + 32
    [result] = rate(rules(), [unit(1, i11=D("0.8"), i12=D("0.25"), i21=D(2))])
    assert result.total == D("78.50")
    assert result.band == "B"
    assert [(line.score, line.weight, line.points) for line in result.lines] == [
        (D(80), D(30), D("24.00")),
        (D(75), D(30), D("22.50")),
        (D(80), D(40), D("32.00")),
    ]
    assert result.lines[2].value == D(4)
    assert result.lines[2].denominator == D(50)


def test_missing_dimension_weight_is_redistributed_not_imputed():
    # No figure for i21: dimension 2 is "no data"; dimension 1 gets all the weight.
    # i11 = 0.5 -> 50, i12 = 0.5 -> 50; total = 50; each indicator has weight 50%.
    # The methodology allows half the weight missing.
    r = rules(max_missing_weight=D("0.5"))
    [result] = rate(r, [unit(1, i11=D("0.5"), i12=D("0.5"), i21=None)])
    assert result.missing_dimensions == [2]
    assert result.dimension_scores[2] is None
    assert result.total == D("50.00")
    assert [line.weight for line in result.lines] == [D(50), D(50), D(0)]
    assert result.lines[2].score is None
    assert result.lines[2].points == 0


def test_missing_indicator_inside_a_dimension_gives_its_share_to_the_others_there():
    # i12 missing: dimension 1 = i11 only = 90; total = 0.6 * 90 + 0.4 * 100 = 94
    [result] = rate(rules(), [unit(1, i11=D("0.9"), i21=D(3))])
    assert result.total == D("94.00")
    assert [line.weight for line in result.lines] == [D(60), D(0), D(40)]


def test_too_much_missing_gives_no_rating_with_the_reason():
    # Dimension 1 (60% of the weight) missing is more than the 34% allowed.
    [result] = rate(rules(), [unit(1, i21=D(3))])
    assert result.total is None
    assert result.no_rating_reason == "missing"
    assert result.missing_dimensions == [1]
    # With a methodology allowing 60% missing, the same primary is rated on dimension 2.
    [result] = rate(rules(max_missing_weight=D("0.6")), [unit(1, i21=D(3))])
    assert result.total == D("100.00")


def test_per_100_needs_members():
    [result] = rate(rules(), [unit(1, members=0, i11=D(1), i12=D(0), i21=D(3))])
    assert result.lines[2].value is None
    assert result.missing_dimensions == [2]


def test_cap_limits_the_value_and_volume_beyond_earns_nothing():
    # 30 events per 50 members = 60 per 100, capped at 10; above U = 5 anyway: score 100.
    # With a lower cap of 2.5 the score is 2.5 / 5 = 50.
    [result] = rate(rules(), [unit(1, i11=D(1), i12=D(0), i21=D(30))])
    assert result.lines[2].value == D(10)
    assert result.lines[2].capped
    capped = Rules(
        dimensions=(
            DimensionRule(
                2,
                D(1),
                (rule(21, denominator="per_100", cap=D("2.5"), posts={None: (D(0), D(5))}),),
            ),
        )
    )
    [result] = rate(capped, [unit(1, i21=D(30))])
    assert result.lines[0].score == D(50)
    assert result.total == D("50.00")


def test_peer_groups_have_their_own_goalposts():
    # The same 2 events per 100 members: 2/5 = 40 for small primaries, 2/2 = 100 for large.
    r = Rules(
        dimensions=(
            DimensionRule(
                1,
                D(1),
                (
                    rule(
                        1, denominator="per_100", posts={None: (D(0), D(5)), "large": (D(0), D(2))}
                    ),
                ),
            ),
        )
    )
    results = by_key(
        rate(r, [unit(1, members=50, group="small", i1=D(1)), unit(2, 600, "large", i1=D(12))])
    )
    assert results[1].total == D("40.00")
    assert results[2].total == D("100.00")


def test_quality_floor_limits_the_band():
    # Total 100 (band A) but i11 = 0.5 is below the floor 0.6: at best band B.
    r = rules(floors=(Floor(11, D("0.6"), "B"),))
    [result] = rate(r, [unit(1, i11=D("0.5"), i12=D(0), i21=D(5))])
    # i11 -> 50, i12 -> 100; dimension 1 = 75; total = 45 + 40 = 85 -> A, limited to B
    assert result.total == D("85.00")
    assert result.band == "B"
    assert result.band_limited_by == 11
    [result] = rate(r, [unit(1, i11=D("0.7"), i12=D(0), i21=D(5))])
    assert result.band == "A"
    assert result.band_limited_by is None


def test_bands_from_the_total():
    r = Rules(dimensions=(DimensionRule(1, D(1), (rule(1, posts={None: (D(0), D(100))}),)),))
    results = rate(r, [unit(k, i1=D(v)) for k, v in enumerate([85, "84.99", 70, 55, 40, "39.99"])])
    assert [x.band for x in results] == ["A", "B", "B", "C", "D", "E"]


def test_winsorising_needs_enough_values_and_cuts_at_the_percentiles():
    r = Rules(
        dimensions=(
            DimensionRule(1, D(1), (rule(1, denominator="count", posts={None: (D(0), D(100))}),)),
        )
    )
    few = [unit(k, i1=D(k * 10)) for k in range(5)]
    assert not any(line.winsorised for lines in prepare(r, few).values() for line in lines.values())
    # 21 values 0, 1, ..., 19, 1000: the 95th percentile is at position 19 -> 19.
    many = [unit(k, i1=D(k)) for k in range(20)] + [unit(99, i1=D(1000))]
    lines = prepare(r, many)
    assert lines[99][1].value == D(19)
    assert lines[99][1].winsorised
    assert lines[0][1].value == D(1)
    assert lines[0][1].winsorised
    assert not lines[10][1].winsorised


def test_percentile_interpolates():
    assert percentile([D(0), D(10)], D(25)) == D("2.5")
    assert percentile([D(1), D(2), D(3)], D(50)) == D(2)


def test_allocate_adds_up_exactly():
    exact = [D(1) / 3, D(1) / 3, D(1) / 3]
    assert allocate(exact, D("1.00")) == [D("0.34"), D("0.33"), D("0.33")]


def test_points_add_up_to_the_total_for_awkward_fractions():
    # Thirds everywhere: 3 indicators in a dimension of weight 1 of 3.
    r = Rules(
        dimensions=(
            DimensionRule(1, D(1), (rule(1), rule(2), rule(3))),
            DimensionRule(2, D(2), (rule(4), rule(5), rule(6))),
        ),
    )
    import random

    rnd = random.Random(7)
    units = [
        unit(k, **{f"i{i}": D(rnd.randint(0, 1000)) / 1000 for i in range(1, 7)})
        for k in range(200)
    ]
    for result in rate(r, units):
        assert sum(line.points for line in result.lines) == result.total


def test_simulation_gives_intervals_and_places_only_where_they_do_not_overlap():
    r = rules()
    units = [
        unit(1, i11=D(1), i12=D(0), i21=D(5)),  # 100
        unit(2, i11=D("0.5"), i12=D("0.5"), i21=D("1.25")),  # 0.6*50 + 0.4*50 = 50
        # better on dimension 1, worse on 2: 0.6*55 + 0.4*44 = 50.6
        unit(3, i11=D("0.6"), i12=D("0.5"), i21=D("1.1")),
        unit(4, i11=D(0), i12=D(1), i21=D(0)),  # 0
    ]
    results = rate(r, units)
    intervals = simulate(r, units, results, draws=300, seed=1)
    assert intervals[1].low == intervals[1].high == 1
    assert intervals[4].low == intervals[4].high == 4
    # 2 and 3 swap places when the weights move: neither gets a place.
    assert (intervals[2].low, intervals[2].high) == (2, 3)
    assert (intervals[3].low, intervals[3].high) == (2, 3)
    assert places(results, intervals) == {1: 1, 4: 4}


def test_spikes_above_three_standard_deviations_of_the_own_history_are_flagged():
    # History 2, 4, 3, 3: mean 3, sd sqrt(0.5) ≈ 0.707; 3 sd above the mean ≈ 5.12.
    history = [D(2), D(4), D(3), D(3)]
    assert not is_spike(history, D(5))
    assert is_spike(history, D("5.2"))
    assert not is_spike(history[:2], D(50))  # too short a history to judge
    assert is_spike([D(0), D(0), D(0)], D(1))


def test_diminishing_returns_above_the_knee():
    # Goalposts 0–16 per 100, knee 4: f(v) = v up to 4, 4 × √(v / 4) above.
    # f(0) = 0, f(16) = 4 × √4 = 8. Below the knee: 2 -> f = 2 -> 2/8 = 25 (a straight
    # line would give 2/16 = 12.5: the first units earn more). At 9: f = 4 × √2.25 = 6 ->
    # 6/8 = 75 (straight: 56.25). At 16 (U): 100 as before. Each unit above the knee earns
    # less: 4 -> 9 adds 25 points for 5 units, 9 -> 16 adds 25 for 7.
    posts = {None: (D(0), D(16))}
    knee_rule = IndicatorRule(1, "higher", "per_100", None, posts, D(4))
    r = Rules(dimensions=(DimensionRule(1, D(100), (knee_rule,)),))
    results = by_key(
        rate(r, [unit(1, members=100, i1=D(2)), unit(2, members=100, i1=D(9)),
                 unit(3, members=100, i1=D(16)), unit(4, members=100, i1=D(4))])
    )  # fmt: skip
    assert [results[k].lines[0].score for k in (1, 2, 3, 4)] == [D(25), D(75), D(100), D(50)]
    assert [results[k].lines[0].damped for k in (1, 2, 3, 4)] == [False, True, True, False]
    assert results[2].total == D("75.00")


def _reference_ranks(r, units, results, draws, seed, weight_spread=0.25, goalpost_spread=0.10):
    """The Monte Carlo one draw at a time, as first written: the batched one must agree."""
    rated = [x for x in results if x.total is not None]
    dims = list(r.dimensions)
    rng = np.random.default_rng(seed)
    by_unit = {u.key: u for u in units}
    ranks = []
    for _draw in range(draws):
        w = [float(d.weight) for d in dims] * (
            1 + rng.uniform(-weight_spread, weight_spread, len(dims))
        )
        m = len(r.indicators)
        dl = rng.uniform(-goalpost_spread, goalpost_spread, m)
        dh = rng.uniform(-goalpost_spread, goalpost_spread, m)
        totals = []
        for result in rated:
            lines = {line.indicator: line for line in result.lines}
            num = den = 0.0
            col = 0
            for d, dim in enumerate(dims):
                scores = []
                for rule_ in dim.indicators:
                    low, high = rule_.goalposts_for(by_unit[result.key].peer_group)
                    line = lines[rule_.key]
                    if line.value is not None:
                        span = float(high - low)
                        lo, hi = float(low) + dl[col] * span, float(high) + dh[col] * span
                        s = min(max((float(line.value) - lo) / (hi - lo), 0.0), 1.0)
                        scores.append(1 - s if rule_.direction == "lower" else s)
                    col += 1
                if scores:
                    num += w[d] * sum(scores) / len(scores)
                    den += w[d]
            totals.append(num / den)
        order = sorted(range(len(rated)), key=lambda i: -totals[i])
        rank = [0] * len(rated)
        for position, i in enumerate(order, start=1):
            rank[i] = position
        ranks.append(rank)
    return {x.key: sorted(row[i] for row in ranks) for i, x in enumerate(rated)}


def test_the_batched_simulation_agrees_with_one_draw_at_a_time():
    r = rules()
    units = [
        unit(k, members=20 + 7 * k, i11=D(k % 7) / 7, i12=D(k % 5) / 5,
             i21=D(k % 9) if k % 6 else None)
        for k in range(1, 41)
    ]  # fmt: skip
    results = rate(r, units)
    draws = 101
    intervals = simulate(r, units, results, draws=draws, seed=3)
    reference = _reference_ranks(r, units, results, draws, seed=3)
    agree = 0
    for key, ranks in reference.items():
        expected = (ranks[5], ranks[95], (ranks[50] + ranks[50]) / 2)
        got = (intervals[key].low, intervals[key].high, intervals[key].median)
        agree += expected == got
    # Single precision may swap two nearly tied totals in a draw; nearly every interval is
    # the same as the double precision, one draw at a time reference.
    assert agree >= len(reference) - 2
