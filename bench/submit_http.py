"""The public submission over HTTP against its floor, interleaved, with another checkout of
the project served beside this one (branch submit2, bench/NOTES.md "Stop 24").

    DATABASE_URL=postgres://…/pervichka_bench BENCH_AUTOGROUP_NICE=-15 \
    python -m bench.submit_http /path/to/other/checkout [runs] [seconds]

Two gunicorns (4 workers each, `bench.http_load.Server`), one per checkout, on the same
database; each round runs wrk (2 threads × 16 connections, `bench.http_load.SUBMIT_LUA`)
on the floor, the other checkout's submission and this one's, one after the other. Prints
each run and the medians with their spread, and the load average before and after.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

import requests  # noqa: E402

from bench.http_load import SUBMIT_LUA, Server, _one_body, wrk  # noqa: E402
from pervichka.orgs.models import Settlement  # noqa: E402


class OtherServer(Server):
    """The same server, started from another checkout (its code, this virtualenv)."""

    def __init__(self, root: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = root

    def start(self) -> None:
        import bench.http_load as http_load

        saved = http_load.ROOT
        http_load.ROOT = type(saved)(self.root)
        try:
            super().start()
        finally:
            http_load.ROOT = saved


def main() -> None:
    other = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    database_url = os.environ["DATABASE_URL"]
    nice = os.environ.get("BENCH_AUTOGROUP_NICE")
    nice = int(nice) if nice else None
    settlements = list(
        Settlement.objects.filter(district__kind="district")
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    script = SUBMIT_LUA.replace("SETTLEMENTS", ", ".join(map(str, settlements)))
    ours = Server(database_url, autogroup_nice=nice)
    theirs = OtherServer(other, database_url, autogroup_nice=nice)
    figures: dict[str, list[float]] = {"floor": [], "other": [], "ours": []}
    load = [os.getloadavg()]
    try:
        ours.start()
        theirs.start()
        first = requests.post(
            ours.url + "/api/v1/public/appeals",
            data=_one_body(settlements[0]).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": os.urandom(8).hex()},
            timeout=60,
        )
        first.raise_for_status()
        template = first.json()["tracking_code"]
        floor = f"/bench/submit-floor?template={template}"
        for server in (ours, theirs):  # warm every worker
            wrk(server.url + "/api/v1/public/appeals", seconds=3, script=script)
        wrk(ours.url + floor, seconds=3, script=script.replace("/api/v1/public/appeals", floor))
        for run in range(runs):
            for name, url, lua in (
                ("floor", ours.url + floor, script.replace("/api/v1/public/appeals", floor)),
                ("other", theirs.url + "/api/v1/public/appeals", script),
                ("ours", ours.url + "/api/v1/public/appeals", script),
            ):
                result = wrk(url, seconds=seconds, script=lua)
                figures[name].append(result["rps"])
                print(run + 1, name, json.dumps(result), flush=True)
    finally:
        ours.stop()
        theirs.stop()
    load.append(os.getloadavg())
    for name, values in figures.items():
        print(
            f"{name}: median {statistics.median(values):.1f} req/s "
            f"({min(values):.1f}–{max(values):.1f})"
        )
    floor_median = statistics.median(figures["floor"])
    for name in ("other", "ours"):
        print(f"{name} / floor: {statistics.median(figures[name]) / floor_median:.2f}")
    print("load average before, after:", load)
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
