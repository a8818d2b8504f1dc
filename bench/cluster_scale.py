"""Scale-out through nginx: public submissions and the district dashboard, requests per
second with one application node behind nginx and with two, on the running cluster
(`make cluster`, full size: two gunicorn workers per node).

    .venv/bin/python -m bench.cluster_scale [--runs 3] [--seconds 10]

For each node count: nginx's upstream is rewritten (`CLUSTER_NODES=... deploy/cluster.sh
start-part nginx`, a reload), then `runs` rounds of wrk (2 threads, 16 connections) against
the submission and the dashboard in turn. Prints JSON: every run, the median and the spread
(min–max) per measure, the load average before and after, and the processes that were
taking CPU on the machine beside the cluster. docs/scaling.md cites its output.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

import psycopg
import requests

from bench.http_load import SUBMIT_LUA, wrk

ROOT = Path(__file__).resolve().parent.parent
NGINX = f"http://127.0.0.1:{os.environ.get('CLUSTER_NGINX_PORT', '8080')}"
PRIMARY = (
    f"postgresql://postgres@127.0.0.1:{os.environ.get('CLUSTER_PRIMARY_PORT', '5433')}/pervichka"
)

SESSION_CODE = (
    "from bench.http_load import session_cookie_for; "
    "print(session_cookie_for('bench-cluster-admin'))"
)


def cluster(*args: str, env: dict | None = None) -> None:
    subprocess.run(
        [str(ROOT / "deploy" / "cluster.sh"), *args],
        check=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def session_cookie() -> str:
    """A district administrator's session, made in the cluster's own environment."""
    script = 'eval "$(deploy/cluster.sh env)"; exec .venv/bin/python manage.py shell -c "$CODE"'
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env={**os.environ, "CODE": SESSION_CODE},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def settlements() -> list[int]:
    """Villages of the districts that take the category the script sends."""
    with psycopg.connect(PRIMARY) as conn:
        rows = conn.execute(
            "SELECT s.id FROM orgs_settlement s JOIN appeals_category c"
            " ON c.district_id = s.district_id AND c.is_active AND c.code = 'roads'"
            " ORDER BY s.id LIMIT 500"
        ).fetchall()
    return [row[0] for row in rows]


def machine() -> dict:
    load = Path("/proc/loadavg").read_text().split()[:3]
    top = subprocess.run(
        ["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"],
        capture_output=True,
        text=True,
    ).stdout.splitlines()[:8]
    return {"loadavg": load, "top_cpu": [line.strip() for line in top]}


def summary(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
        "runs": [round(v, 1) for v in values],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if requests.get(NGINX + "/readyz", timeout=10).status_code != 200:
        raise SystemExit("the cluster is not ready: make cluster")
    cookie = session_cookie()
    submit_lua = SUBMIT_LUA.replace("SETTLEMENTS", ", ".join(map(str, settlements())))
    result: dict = {"before": machine(), "nodes": {}}
    try:
        for nodes in ("app1", "app1 app2"):
            cluster("start-part", "nginx", env={"CLUSTER_NODES": nodes})
            time.sleep(1)
            wrk(NGINX + "/healthz", seconds=2)  # warm every worker
            runs: dict[str, list[dict]] = {"submit": [], "dashboard": []}
            for _ in range(args.runs):
                runs["submit"].append(
                    wrk(NGINX + "/api/v1/public/appeals", seconds=args.seconds, script=submit_lua)
                )
                runs["dashboard"].append(
                    wrk(
                        NGINX + "/", seconds=args.seconds, headers={"Cookie": f"sessionid={cookie}"}
                    )
                )
            result["nodes"][len(nodes.split())] = {
                name: {
                    "rps": summary([r["rps"] for r in measured]),
                    "p95_ms": summary([r["p95_ms"] for r in measured]),
                    "non_2xx": sum(r["non_2xx"] for r in measured),
                }
                for name, measured in runs.items()
            }
    finally:
        cluster("start-part", "nginx", env={"CLUSTER_NODES": "app1 app2"})
    result["after"] = machine()
    result["setup"] = {
        "cpus": os.cpu_count(),
        "gunicorn_workers_per_node": 2,
        "wrk": "2 threads, 16 connections",
        "seconds": args.seconds,
    }
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
