"""The district dashboard against the bare view alone, by the primitives of `http_load`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash \
        python -m bench.dashboard_load [--runs 3] [--seconds 10]

The same server (gunicorn, 4 workers), the same wrk settings and the same logged-in district
administrator as the dashboard row of `bench.http_load.run`, without the other rows: a
change to the dashboard is measured in a minute instead of the whole HTTP benchmark.
Prints one JSON object: the median requests/s of each with the spread, and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    # The session cookie made here must be signed with the server's key.
    os.environ["DJANGO_SECRET_KEY"] = "bench-only-secret"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from bench.http_load import Server, _flush_redis, _warm, repeated, session_cookie_for, wrk

    cookie = session_cookie_for("bench-district-admin")
    # The server at the measuring shell's priority (`echo -15 > /proc/self/autogroup`).
    nice = int(Path("/proc/self/autogroup").read_text().split()[-1])
    server = Server(os.environ["DATABASE_URL"], autogroup_nice=nice)
    out: dict = {}
    try:
        server.start()
        wrk(server.url + "/healthz", seconds=1)  # warm the workers
        _warm(server.url + "/", cookie)
        headers = {"Cookie": f"sessionid={cookie}"}
        out["bare"] = repeated(
            args.runs, lambda: wrk(server.url + "/healthz", seconds=args.seconds)
        )
        out["dashboard"] = repeated(
            args.runs, lambda: wrk(server.url + "/", seconds=args.seconds, headers=headers)
        )
    finally:
        server.stop()
        _flush_redis()
    summary = {
        name: {
            "rps": out[name]["rps"],
            "spread": out[name]["rps_spread"],
            "non_2xx": out[name]["non_2xx"],
        }
        for name in ("bare", "dashboard")
    }
    summary["ratio"] = round(out["dashboard"]["rps"] / out["bare"]["rps"], 3)
    summary["load_before"] = [r["load_before"]["loadavg"] for r in out["dashboard"]["runs"]]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
