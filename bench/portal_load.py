"""Portal home vs bare view over real HTTP (bench/http_load.py's Server and wrk): 3 rounds,
the median (branch portal-speed, bench/NOTES.md). DATABASE_URL is the smoke database."""

import json
import os
import statistics
import subprocess
import sys

os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
os.environ["DJANGO_SECRET_KEY"] = "bench-only-secret"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
sys.path.insert(0, os.getcwd())
# The first request of a worker imports the URLconf (aiogram's models): on this loaded
# machine longer than gunicorn's default 30 s, which killed the workers in a loop.
os.environ["GUNICORN_CMD_ARGS"] = "--timeout 600"
import django

django.setup()
from bench import http_load as h  # noqa: E402

_popen = h.subprocess.Popen


def _popen_measured(args, **kwargs):
    """gunicorn starts its own session (its own autogroup, nice 0): give it the measuring
    shell's priority too."""
    process = _popen(args, **kwargs)
    if "gunicorn" in str(args[0]):
        with open(f"/proc/{process.pid}/autogroup", "w") as f:
            f.write("-15")
    return process


h.subprocess.Popen = _popen_measured

runs, seconds = int(os.environ.get("RUNS", "3")), int(os.environ.get("SECONDS", "10"))
h.session_cookie_for("bench-district-admin")
h._news_for_the_portal()
server = h.Server(os.environ["DATABASE_URL"])
out = {"bare": [], "portal": [], "uptime": []}
try:
    server.start()
    h.wrk(server.url + "/healthz", seconds=10)
    h._warm(server.url + "/portal/", None)
    h.wrk(server.url + "/portal/", seconds=10)
    for _ in range(runs):
        out["uptime"].append(
            subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        )
        out["bare"].append(h.wrk(server.url + "/healthz", seconds=seconds))
        out["portal"].append(h.wrk(server.url + "/portal/", seconds=seconds))
    out["uptime"].append(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
finally:
    server.stop()
    h._flush_redis()
bare = statistics.median(r["rps"] for r in out["bare"])
portal = statistics.median(r["rps"] for r in out["portal"])
print(json.dumps(out, indent=1))
for name, value in (("bare", bare), ("portal", portal)):
    values = [r["rps"] for r in out[name]]
    print(f"{name} {value:.0f} ({min(values):.0f}-{max(values):.0f})")
print(f"ratio {portal / bare:.2f}")
