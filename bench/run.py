"""Run every benchmark against a generated database and write the results table.

    python -m bench.run                      # national scale (generates pervichka_bench once)
    python -m bench.run --smoke              # CI: a fresh small database, no goals judged
    python -m bench.run --database NAME --regenerate

Each in-process benchmark runs in its own Python process (peak memory is its own); the HTTP
benchmark runs gunicorn and wrk on loopback. Every figure is a ratio to a floor measured in
the same run on the same data. The table's columns are fixed so that a script can read it:
`measure | ours | floor | ratio | goal | met`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def psql(sql: str) -> str:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        rows = (
            conn.execute(sql).fetchall()
            if sql.lstrip().upper().startswith("SELECT")
            else conn.execute(sql) and []
        )
        return rows


def database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def manage(args: list[str], url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(name: str, *, smoke: bool, regenerate: bool) -> str:
    url = database_url(name)
    exists = bool(psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))
    if exists and not regenerate:
        print(f"using the generated database {name}", file=sys.stderr)
        # A database generated before a newer app: its tables, and the app's part of the data.
        manage(["migrate", "-v0"], url)
        manage(["generate_scale", "--missing"], url)
        return url
    psql(f'DROP DATABASE IF EXISTS "{name}"')
    psql(f'CREATE DATABASE "{name}"')
    manage(["migrate", "-v0"], url)
    manage(["generate_scale", "--smoke"] if smoke else ["generate_scale"], url)
    return url


def measure(name: str, url: str, smoke: bool) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", "BENCH_OUT": out.name}
        args = [sys.executable, "-m", "bench.measures", name] + (["--smoke"] if smoke else [])
        subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        return json.loads(Path(out.name).read_text())


def http(url: str, smoke: bool) -> dict:
    os.environ["DATABASE_URL"] = url
    # The session cookie made here must be signed with the server's key.
    os.environ["DJANGO_SECRET_KEY"] = "bench-only-secret"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from bench.http_load import run

    return run(url, smoke=smoke)


def _ratio(a: float, b: float) -> float:
    """a / b, where a floor that completed nothing (an overloaded smoke run) gives inf."""
    return a / b if b else float("inf")


def rows_from(results: dict) -> list[tuple]:
    """(measure, ours, floor, ratio, goal, met) for the table."""
    rows = []

    def add(measure, ours, floor, ratio, goal, ok, unit=""):
        rows.append(
            (
                measure,
                f"{ours}{unit}",
                f"{floor}{unit}",
                f"{ratio:.2f}",
                goal,
                "yes" if ok else "no",
            )
        )

    agg = results["aggregation"]
    for kpi in (
        "collection_rate",
        "appeals_answered_on_time",
        "tree_survival_rate",
        "volunteer_hours",
    ):
        r = agg[kpi]
        ratio = r["ours_s"] / r["floor_s"]
        add(
            f"aggregation per primary: {kpi} ({r['units']:,} primaries), s",
            f"{r['ours_s']:.3f}",
            f"{r['floor_s']:.3f}",
            ratio,
            "≤ 2",
            ratio <= 2 and r["mismatches"] == 0,
        )
    imp = results["member_import"]
    ratio = imp["ours_rows_s"] / imp["floor_rows_s"]
    add(
        f"member import of {imp['rows']:,} rows (check + confirm vs COPY into persons, "
        "memberships and both history tables), rows/s",
        f"{imp['ours_rows_s']:,.0f}",
        f"{imp['floor_rows_s']:,.0f}",
        ratio,
        "≥ 0.5",
        ratio >= 0.5,
    )
    lst = results["appeals_list"]
    for p in ("p50", "p95"):
        ratio = lst[f"ours_{p}"] / lst[f"floor_{p}"]
        add(
            f"appeals list, filters + text search + page of 50, {p}, ms",
            f"{lst[f'ours_{p}'] * 1000:.1f}",
            f"{lst[f'floor_{p}'] * 1000:.1f}",
            ratio,
            "≤ 2" if p == "p95" else "—",
            ratio <= 2 if p == "p95" else True,
        )
    seg = results.get("segment_count")
    if seg:
        ratio = seg["ours_s"] / seg["floor_s"]
        add(
            f"outreach segment count, pensioners of a {seg['unit_kind']} "
            f"({seg['count']:,} people), vs the same count in SQL, s",
            f"{seg['ours_s']:.3f}",
            f"{seg['floor_s']:.3f}",
            ratio,
            "< 1 s at ≥ 100,000 people",
            seg["ours_s"] < 1
            and seg["mismatches"] == 0
            and seg["count"] >= seg.get("goal_people", 0),
        )
    rating = results.get("rating")
    if rating:
        ratio = rating["ours_s"] / rating["floor_s"]
        add(
            f"a quarter's rating, {rating['primaries']:,} primaries in {rating['districts']} "
            f"districts, {rating['indicators']} indicators, vs the indicators' KPI calls, s",
            f"{rating['ours_s']:.2f}",
            f"{rating['floor_s']:.2f}",
            ratio,
            "≤ 2",
            ratio <= 2,
        )
        add(
            f"rating Monte Carlo, {rating['mc_draws']:,} draws for {rating['mc_primaries']:,} "
            "primaries, vs the issue's bound, s",
            f"{rating['mc_s']:.2f}",
            "10.00",
            rating["mc_s"] / 10,
            "≤ 1",
            rating["mc_s"] <= 10,
        )
    web = results.get("http", {})
    if "bare" in web:

        def spread(r: dict, key: str = "rps", fmt: str = "{:,.0f}") -> str:
            low, high = r[f"{key}_spread"] if key == "rps" else r["p95_spread"]
            value = r[key]
            return f"{fmt.format(value)} ({fmt.format(low)}–{fmt.format(high)})"

        runs = web.get("runs_per_figure", 1)
        submit, floor = web["submit"], web["submit_floor"]
        ratio = _ratio(submit["rps"], floor["rps"])
        add(
            f"public appeal submission vs the same writes as raw SQL in one transaction "
            f"from a bare view, requests/s (median of {runs}, min–max); "
            f"lost {submit['lost']}, doubled 0",
            spread(submit),
            spread(floor),
            ratio,
            "≥ 0.5",
            ratio >= 0.5 and submit["lost"] == 0,
        )
        for key, label, goal in (
            ("submit", "public appeal submission", None),
            ("dashboard", "district dashboard", 0.3),
            ("portal", "portal home (anonymous reader, cached page)", 0.5),
        ):
            if key not in web:
                continue
            r = web[key]
            ratio = _ratio(r["rps"], web["bare"]["rps"])
            add(
                f"{label} vs bare view, requests/s (median of {runs}, min–max)",
                spread(r),
                spread(web["bare"]),
                ratio,
                f"≥ {goal}" if goal else "—",
                ratio >= goal if goal else True,
            )
        for name, r in web.get("lists", {}).items():
            if name.endswith("same_rows"):
                continue
            page, base = r["page"], r["floor"]
            ratio = _ratio(page["p95_ms"], base["p95_ms"])
            add(
                f"list page {name} (`{r['path']}`), full HTTP page vs its main query's SQL "
                f"from a bare view, p95 ms (median of {runs}, min–max)",
                spread(page, "p95_ms", "{:.1f}"),
                spread(base, "p95_ms", "{:.1f}"),
                ratio,
                "≤ 2",
                ratio <= 2,
            )
        lists = web.get("lists", {})
        for kind in ("appeals", "members"):
            chair, national = lists.get(f"{kind}_chair"), lists.get(f"{kind}_national_same_rows")
            if not (chair and national):
                continue
            ratio = _ratio(chair["page"]["p95_ms"], national["page"]["p95_ms"])
            add(
                f"scope: {kind} list as a chair vs the same rows unscoped (a national "
                f"administrator filtered to the primary), p95 ms",
                spread(chair["page"], "p95_ms", "{:.1f}"),
                spread(national["page"], "p95_ms", "{:.1f}"),
                ratio,
                "≤ 1.2",
                ratio <= 1.2,
            )
    return rows


def write(results: dict, output: Path, command: str, smoke: bool) -> None:
    rows = rows_from(results)
    memory = [
        ("aggregation", results["aggregation"]["peak_rss_mb"]),
        ("member import", results["member_import"]["peak_rss_mb"]),
        ("appeals list", results["appeals_list"]["peak_rss_mb"]),
    ]
    if "rating" in results:
        memory.append(("rating of a quarter", results["rating"]["peak_rss_mb"]))
    if "server_rss_mb" in results.get("http", {}):
        memory.append(
            (
                f"gunicorn, {results['http']['workers']} workers, after the load",
                results["http"]["server_rss_mb"],
            )
        )
    lines = [
        "# Benchmarks" + (" (smoke size: the figures are not judged)" if smoke else ""),
        "",
        f"Measured on {dt.date.today().isoformat()} on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.platform()}), PostgreSQL, Python "
        f"{platform.python_version()}.",
        "",
        f"Reproduce: `{command}`",
        "",
        "| measure | ours | floor | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    lines += ["", "Peak memory (resident):", ""]
    lines += [f"- {name}: {mb:,.0f} MB" for name, mb in memory]
    notes = results.get("notes")
    if notes:
        lines += ["", notes.strip()]
    lines += [
        "",
        "Raw figures:",
        "",
        "```json",
        json.dumps(results, indent=1, default=str),
        "```",
        "",
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[: len(rows) + 8]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--database", default=None)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--output", default=None)
    parser.add_argument("--notes", default=None, help="a Markdown file appended to the report")
    args = parser.parse_args()
    name = args.database or ("pervichka_bench_smoke" if args.smoke else "pervichka_bench")
    output = Path(args.output or ("bench/results/smoke.md" if args.smoke else "docs/benchmarks.md"))
    url = prepare(name, smoke=args.smoke, regenerate=args.regenerate or args.smoke)
    results = {
        name: measure(name, url, args.smoke)
        for name in ("aggregation", "member_import", "appeals_list", "rating", "segment_count")
    }
    results["http"] = http(url, args.smoke)
    if args.notes:
        results["notes"] = Path(args.notes).read_text(encoding="utf-8")
    command = "make bench" if not args.smoke else "make bench-smoke"
    write(results, ROOT / output, command, args.smoke)


if __name__ == "__main__":
    main()
