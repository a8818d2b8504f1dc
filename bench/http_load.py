"""Load over real HTTP: gunicorn serving the project on loopback, wrk driving it.

The floor is a bare Django view (`/healthz`: a response with no database work) on the same
server in the same run; ours are the public appeal submission (each request a new appeal
with its own idempotency key), the district dashboard (the start page of a district
administrator, logged in) and the portal's home (anonymous readers, with a dozen published
news items on it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

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
  -- Seeded first, and the second in the key: a key of an earlier run with other content is
  -- refused (409), so every run's keys must be new (they were equal from run to run).
  math.randomseed(id * 7919 + os.time())
  prefix = string.format("%d-%d-%d-", id, os.time(), math.random(1, 1000000000))
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
    def __init__(self, database_url: str, workers: int = 4, autogroup_nice: int | None = None):
        self.static = tempfile.mkdtemp(prefix="pervichka-static-")
        # Linux schedules by autogroup (one per session) and gunicorn runs in a session of
        # its own: on a shared machine its priority is set here, not inherited (bench/NOTES.md).
        self.autogroup_nice = autogroup_nice
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
                # The first request imports the URLconf (aiogram's models: seconds of CPU); on
                # a loaded machine that outlasted the default 30 s and the workers were killed.
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        if self.autogroup_nice is not None:
            Path(f"/proc/{self.process.pid}/autogroup").write_text(str(self.autogroup_nice))
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
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        lua.name,
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    Path(lua.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p95 = int(re.search(r"P95_US (\d+)", output).group(1)) / 1000
    requests_done = int(re.search(r"(\d+) requests in", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": rps,
        "p95_ms": p95,
        "requests": requests_done,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def machine_load() -> dict:
    """What else the machine was doing: load averages and the busiest other processes."""
    out = subprocess.run(
        ["ps", "-eo", "pcpu=,comm=", "--sort=-pcpu"], capture_output=True, text=True
    ).stdout.splitlines()
    busy = [line.strip() for line in out[:8] if line.strip() and float(line.split()[0]) >= 5]
    return {"loadavg": [round(x, 2) for x in os.getloadavg()], "busiest": busy}


def repeated(runs: int, measure) -> dict:
    """The median of `runs` runs of `measure()` with the spread (min–max) and the load."""
    results = []
    for _ in range(runs):
        load = machine_load()
        result = measure()
        result["load_before"] = load
        results.append(result)
    out = {key: statistics.median(r[key] for r in results) for key in ("rps", "p95_ms")}
    out["rps_spread"] = [min(r["rps"] for r in results), max(r["rps"] for r in results)]
    out["p95_spread"] = [min(r["p95_ms"] for r in results), max(r["p95_ms"] for r in results)]
    out["non_2xx"] = sum(r["non_2xx"] for r in results)
    out["requests"] = sum(r["requests"] for r in results)
    out["runs"] = results
    return out


def session_cookie_for(username: str, role: str = "admin", unit=None) -> str:
    """A logged-in session of a user holding `role` at `unit` (by default a district's
    administrator), made the way Django makes them."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from pervichka.accounts.models import RoleAssignment, User
    from pervichka.orgs.models import OrgUnit

    if unit is None:
        unit = OrgUnit.objects.filter(kind="district").order_by("pk").first()
    user, _ = User.objects.get_or_create(username=username)
    RoleAssignment.objects.get_or_create(user=user, role=role, org_unit=unit)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def list_pages() -> tuple[dict, dict]:
    """The list pages to load, as (name → (path, cookie)), and their main queries'
    SQL (name → [sql, params]) taken from the pages' own selectors for the same user and
    filters: the floor runs exactly that query.

    The appeals list and the member list, each as a district administrator, as a chair, and
    as a national administrator filtered to the chair's primary (the same rows unscoped)."""
    from django.db.models import Count

    from pervichka.accounts.models import User
    from pervichka.appeals.models import Appeal
    from pervichka.appeals.selectors import AppealFilters, appeals_page
    from pervichka.core.roles import Perm
    from pervichka.core.scoping import has_perm_anywhere
    from pervichka.orgs.models import OrgUnit
    from pervichka.people.models import Membership
    from pervichka.people.selectors import MemberFilters, members_list

    party = OrgUnit.objects.filter(kind="party").order_by("pk").first()
    district = OrgUnit.objects.filter(kind="district").order_by("pk").first()
    in_district = {"unit__path__startswith": district.path, "unit__kind": "primary"}
    busiest = (
        Appeal.objects.filter(**in_district)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    appeals_primary = OrgUnit.objects.get(pk=busiest["unit_id"]) if busiest else None
    members_primary = OrgUnit.objects.get(
        pk=Membership.objects.filter(primary__path__startswith=district.path)
        .values("primary_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["primary_id"]
    )
    surname = (
        Membership.objects.filter(primary=members_primary)
        .order_by("pk")
        .values_list("person__surname", flat=True)
        .first()
    )
    member_q = (surname or "А")[:3]
    word = "дорог"
    q_member, q_word = quote(member_q), quote(word)
    users = {
        "district": ("bench-district-admin", "admin", district),
        "national": ("bench-national-admin", "admin", party),
        "chair_appeals": ("bench-chair-appeals", "chair", appeals_primary or members_primary),
        "chair_members": ("bench-chair-members", "chair", members_primary),
    }
    cookies = {key: session_cookie_for(*spec) for key, spec in users.items()}
    accounts = {key: User.objects.get(username=spec[0]) for key, spec in users.items()}
    scope_unit = (appeals_primary or members_primary).pk
    pages = {
        "appeals_district": ("district", f"/appeals/?q={q_word}", AppealFilters(q=word)),
        "appeals_chair": ("chair_appeals", f"/appeals/?q={q_word}", AppealFilters(q=word)),
        "appeals_national_same_rows": (
            "national",
            f"/appeals/?q={q_word}&unit={scope_unit}",
            AppealFilters(q=word, unit_id=scope_unit),
        ),
        "members_district": ("district", f"/members/?q={q_member}", MemberFilters(q=member_q)),
        "members_chair": ("chair_members", f"/members/?q={q_member}", MemberFilters(q=member_q)),
        "members_national_same_rows": (
            "national",
            f"/members/?q={q_member}&primary={members_primary.pk}",
            MemberFilters(q=member_q, primary_id=members_primary.pk),
        ),
    }
    urls, sql = {}, {}
    for name, (who, path, filters) in pages.items():
        user = accounts[who]
        if name.startswith("appeals"):  # the page's own rows: its columns, its joins
            citizen = has_perm_anywhere(user, Perm.APPEALS_PII)
            query = appeals_page(user, filters, citizen=citizen)[:50].query
        else:
            query = members_list(user, filters)[:25].query
        text, params = query.sql_with_params()
        urls[name] = (path, cookies[who])
        sql[name] = [text, [p.isoformat() if hasattr(p, "isoformat") else p for p in params]]
    return urls, sql


def _news_for_the_portal(count: int = 12) -> None:
    """Published news of the first district's primaries, so that the portal's home shows
    what a reader sees (the generator writes no news). Written once per database."""
    from django.utils import timezone

    from pervichka.accounts.models import User
    from pervichka.media.models import NewsItem
    from pervichka.orgs.models import OrgUnit

    if NewsItem.objects.filter(status="published").exists():
        return
    district = OrgUnit.objects.filter(kind="district").order_by("pk").first()
    primaries = list(
        OrgUnit.objects.filter(kind="primary", path__startswith=district.path).order_by("pk")[
            :count
        ]
    )
    author = User.objects.get(username="bench-district-admin")
    now = timezone.now()
    NewsItem.objects.bulk_create(
        NewsItem(
            unit=unit,
            author=author,
            title=f"Субботник в селе, новость {i}",
            title_kk=f"Ауылдағы сенбілік, жаңалық {i}",
            lead="Жители села убрали парк у школы и посадили сорок деревьев.",
            lead_kk="Ауыл тұрғындары мектеп жанындағы саябақты тазалап, қырық ағаш отырғызды.",
            body="<p>В субботу сорок человек вышли на уборку.</p>",
            body_kk="<p>Сенбі күні қырық адам тазалыққа шықты.</p>",
            status="published",
            published_at=now,
        )
        for i, unit in enumerate(primaries * (count // max(len(primaries), 1) or 1))
    )


def _flush_redis() -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    except Exception:  # no Redis: nothing was queued there
        pass


def _appeal_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM appeals_appeal")
        return cursor.fetchone()[0]


def run(database_url: str, *, smoke: bool, runs: int | None = None) -> dict:
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    from django.db import connection

    from pervichka.orgs.models import Settlement

    runs = runs or (1 if smoke else 3)
    seconds = 3 if smoke else 15
    settlements = list(
        Settlement.objects.filter(district__kind="district")
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    cookie = session_cookie_for("bench-district-admin")
    _news_for_the_portal()
    urls, sql = list_pages()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_write (id bigserial PRIMARY KEY, "
            "at timestamptz NOT NULL)"
        )
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as sql_file:
        json.dump(sql, sql_file)
    # `BENCH_AUTOGROUP_NICE=-15` on a shared machine: gunicorn's own session gets the measuring
    # shell's priority (bench/NOTES.md, autogroup scheduling).
    nice = os.environ.get("BENCH_AUTOGROUP_NICE")
    server = Server(database_url, autogroup_nice=int(nice) if nice else None)
    server.env["BENCH_LIST_SQL"] = sql_file.name
    submit_script = SUBMIT_LUA.replace("SETTLEMENTS", ", ".join(map(str, settlements)))
    out: dict = {"workers": server.workers, "runs_per_figure": runs}
    try:
        server.start()
        wrk(server.url + "/healthz", seconds=1)  # warm the workers
        # One real submission: the floor copies the rows it wrote.
        first = requests.post(
            server.url + "/api/v1/public/appeals",
            data=_one_body(settlements[0]).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": "bench-template"},
            timeout=30,
        )
        first.raise_for_status()
        template = first.json()["tracking_code"]
        out["bare"] = repeated(runs, lambda: wrk(server.url + "/healthz", seconds=seconds))
        out["durable_write"] = repeated(
            runs, lambda: wrk(server.url + "/bench/write", seconds=seconds)
        )
        out["submit_floor"] = repeated(
            runs,
            lambda: wrk(
                f"{server.url}/bench/submit-floor?template={template}",
                seconds=seconds,
                script=submit_script.replace(
                    "/api/v1/public/appeals", "/bench/submit-floor?template=" + template
                ),
            ),
        )
        before = _appeal_count()
        out["submit"] = repeated(
            runs,
            lambda: wrk(
                server.url + "/api/v1/public/appeals", seconds=seconds, script=submit_script
            ),
        )
        time.sleep(1)  # requests in flight when wrk stopped finish
        stored = _appeal_count() - before
        answered = out["submit"]["requests"] - out["submit"]["non_2xx"]
        out["submit"]["stored"] = stored
        out["submit"]["answered_2xx"] = answered
        # Every answered submission is stored (lost = 0); more stored than answered are the
        # requests in flight when wrk stopped. A doubled submission would need the same
        # idempotency key twice, which the unique index refuses.
        out["submit"]["lost"] = max(0, answered - stored)
        _warm(server.url + "/", cookie)
        out["dashboard"] = repeated(
            runs,
            lambda: wrk(
                server.url + "/", seconds=seconds, headers={"Cookie": f"sessionid={cookie}"}
            ),
        )
        _warm(server.url + "/portal/", None)
        out["portal"] = repeated(runs, lambda: wrk(server.url + "/portal/", seconds=seconds))
        out["lists"] = {}
        for name, (path, session) in urls.items():
            headers = {"Cookie": f"sessionid={session}"}
            _warm(server.url + path, session)
            _warm(f"{server.url}/bench/list-floor/{name}", None)
            page = repeated(
                runs,
                lambda path=path, headers=headers: wrk(
                    server.url + path, seconds=seconds, headers=headers, connections=4
                ),
            )
            floor = repeated(
                runs,
                lambda name=name: wrk(
                    f"{server.url}/bench/list-floor/{name}", seconds=seconds, connections=4
                ),
            )
            out["lists"][name] = {"page": page, "floor": floor, "path": path}
        out["server_rss_mb"] = server.rss_mb()
    finally:
        server.stop()
        _flush_redis()
        Path(sql_file.name).unlink(missing_ok=True)
    return out


def _warm(url: str, session: str | None) -> None:
    """One request before the timed runs: the page answers 200 to this user (not a redirect
    to the login page, which would be measured instead), and its caches are warm."""
    cookies = {"sessionid": session} if session else {}
    response = requests.get(url, cookies=cookies, timeout=120, allow_redirects=False)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}, not 200")


def _one_body(settlement: int) -> str:
    return json.dumps(
        {
            "settlement_id": settlement,
            "category": "roads",
            "text": "Яма на дороге у школы",
            "surname": "Шаблонов",
            "name": "Тест",
            "phone": "+77012000000",
            "consent": True,
            "language": "ru",
        },
        ensure_ascii=False,
    )
