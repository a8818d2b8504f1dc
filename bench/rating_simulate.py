"""The rating's arithmetic and Monte Carlo at national scale: 10,000 primaries, 18 indicators
in 6 dimensions, 1,000 draws (issue 15 asks at most 10 s for the draws). Pure computation,
no database: `.venv/bin/python -m bench.rating_simulate`."""

import random
import time
from decimal import Decimal as D

from pervichka.rating.compute import DimensionRule, IndicatorRule, Rules, UnitInput, rate, simulate

PRIMARIES, DRAWS = 10_000, 1_000


def simulate_seconds(primaries: int = PRIMARIES, draws: int = DRAWS) -> tuple[float, float]:
    """(seconds to rate, seconds for the draws) on made-up figures of `primaries` units."""
    rnd = random.Random(1)
    posts = {None: (D(0), D(1)), "large": (D("0.1"), D("0.9"))}
    dims, key = [], 0
    for d in range(6):
        rules = []
        for _ in range(3):
            key += 1
            rules.append(IndicatorRule(key, "higher", "share", None, posts))
        dims.append(DimensionRule(d, D(rnd.randint(10, 20)), tuple(rules)))
    rules = Rules(dimensions=tuple(dims))
    units = [
        UnitInput(
            u,
            rnd.randint(10, 700),
            "large" if u % 3 == 0 else None,
            {
                i: (D(rnd.randint(0, 1000)) / 1000 if rnd.random() > 0.05 else None)
                for i in range(1, key + 1)
            },
        )
        for u in range(primaries)
    ]
    started = time.perf_counter()
    results = rate(rules, units)
    rated = time.perf_counter()
    simulate(rules, units, results, draws=draws)
    done = time.perf_counter()
    return rated - started, done - rated


def main() -> None:
    rate_s, simulate_s = simulate_seconds()
    print(f"rate: {rate_s:.2f} s for {PRIMARIES} primaries")
    print(f"simulate: {simulate_s:.2f} s for {DRAWS} draws")


if __name__ == "__main__":
    main()
