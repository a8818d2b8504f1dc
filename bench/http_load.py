"""Load over real HTTP: gunicorn serving the project on loopback, wrk driving it.

The floor is a bare Django view (`/healthz`: a response with no database work) on the same
server in the same run; ours are the public appeal submission (each request a new appeal
with its own idempotency key) and the district dashboard (the start page of a district
administrator, logged in).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")

# Citizens of the whole country: each request a different village (so a different district
# and its registration counter), a different person, a new idempotency key.
SUBMIT_LUA = r"""
local counter = 0
local threads = {}
local settlements = {SETTLEMENTS}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  prefix = string.format("%d-%d-", id, math.random(1, 1000000000))
  math.randomseed(id * 7919 + os.time())
end
request = function()
  counter = counter + 1
  local settlement = settlements[math.random(1, #settlements)]
  local phone = string.format("+77012%06d", math.random(0, 999999))
  local body = '{"settlement_id": ' .. settlement .. ', "category": "roads", '
    .. '"text": "Яма на дороге у школы", "surname": "Нагрузкин' .. counter .. '", '
    .. '"name": "Тест", "phone": "' .. phone .. '", "consent": true, "language": "ru"}'
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = "bench-" .. prefix .. counter
  return wrk.format("POST", "/api/v1/public/appeals", headers, body)
end
"""

LATENCY_LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\n", latency:percentile(95)))
  io.write(string.format("NON2XX %d\n", summary.errors.status))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(database_url: str, static_root: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PERVICHKA_SECURE": "0",
        "PERVICHKA_TESTING": "0",
        "PERVICHKA_PUBLIC_RATE_PER_HOUR": "1000000000",
        "PERVICHKA_SMS_BACKEND": "pervichka.core.notify.LocmemSMSBackend",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        # Production's setting: tasks go to Redis (the outbox keeps the messages), the cache
        # (rate limits) is shared by the workers. A separate Redis database, emptied after.
        "CELERY_BROKER_URL": REDIS_URL,
        "PERVICHKA_BENCH": "1",
        "REDIS_URL": REDIS_URL,
    }


class Server:
    def __init__(self, database_url: str, workers: int = 4):
        self.static = tempfile.mkdtemp(prefix="pervichka-static-")
        self.env = _env(database_url, self.static)
        self.port = _free_port()
        self.workers = workers
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        for _ in range(150):
            try:
                if requests.get(self.url + "/healthz", timeout=5).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def rss_mb(self) -> float:
        """Resident memory of the master and its workers together."""
        if not self.process:
            return 0.0
        out = subprocess.run(
            ["ps", "-o", "rss=", "-g", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return sum(int(x) for x in out.split()) / 1024

    def stop(self) -> None:
        if self.process:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except ProcessLookupError:
                pass
            self.process = None
        shutil.rmtree(self.static, ignore_errors=True)


def wrk(
    url: str, *, seconds: int, script: str = "", headers: dict | None = None, connections: int = 16
) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + LATENCY_LUA)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", lua.name]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    Path(lua.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p95 = int(re.search(r"P95_US (\d+)", output).group(1)) / 1000
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p95_ms": p95, "non_2xx": int(non2xx.group(1)) if non2xx else 0}


def session_cookie_for(username: str) -> str:
    """A logged-in session of a district administrator, made the way Django makes them."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from pervichka.accounts.models import RoleAssignment, User
    from pervichka.orgs.models import OrgUnit

    district = OrgUnit.objects.filter(kind="district").order_by("pk").first()
    user, _ = User.objects.get_or_create(username=username)
    RoleAssignment.objects.get_or_create(user=user, role="admin", org_unit=district)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _flush_redis() -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    except Exception:  # no Redis: nothing was queued there
        pass


def run(database_url: str, *, smoke: bool) -> dict:
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    from pervichka.orgs.models import Settlement

    seconds = 3 if smoke else 15
    settlements = list(
        Settlement.objects.filter(district__kind="district")
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    cookie = session_cookie_for("bench-district-admin")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_write (id bigserial PRIMARY KEY, "
            "at timestamptz NOT NULL)"
        )
    server = Server(database_url)
    try:
        server.start()
        wrk(server.url + "/healthz", seconds=1)  # warm the workers
        bare = wrk(server.url + "/healthz", seconds=seconds)
        durable = wrk(server.url + "/bench/write", seconds=seconds)
        submit = wrk(
            server.url + "/api/v1/public/appeals",
            seconds=seconds,
            script=SUBMIT_LUA.replace("SETTLEMENTS", ", ".join(map(str, settlements))),
        )
        dashboard = wrk(
            server.url + "/", seconds=seconds, headers={"Cookie": f"sessionid={cookie}"}
        )
        rss = server.rss_mb()
    finally:
        server.stop()
        _flush_redis()
    return {
        "durable_write": durable,
        "bare": bare,
        "submit": submit,
        "dashboard": dashboard,
        "server_rss_mb": rss,
        "workers": server.workers,
    }
