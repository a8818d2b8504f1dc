"""Faults of the running cluster (deploy/cluster.sh), driven through nginx: nothing is lost.

Runs only with PERVICHKA_CLUSTER_TESTS=1 and the cluster answering at
http://127.0.0.1:8080/readyz (`make cluster`); CI starts it at its smallest (.ci/run).
Each test is bounded in count and time, checks rows in the primary itself (not through the
application), and writes its figures to docs/reliability.md between its markers.
CLUSTER_FAULT_JOBS sets the number of submissions.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
NGINX = f"http://127.0.0.1:{os.environ.get('CLUSTER_NGINX_PORT', '8080')}"
PRIMARY_PORT = os.environ.get("CLUSTER_PRIMARY_PORT", "5433")
PRIMARY = f"postgresql://postgres@127.0.0.1:{PRIMARY_PORT}/pervichka"
JOBS = int(os.environ.get("CLUSTER_FAULT_JOBS", "120"))
DEADLINE_SECONDS = 150
REPORT = ROOT / "docs" / "reliability.md"


def _cluster_up() -> bool:
    """A cluster that answers at all gets a few seconds to be ready (a part just restarted)."""
    for attempt in range(20):
        try:
            if requests.get(NGINX + "/readyz", timeout=3).status_code == 200:
                return True
        except requests.RequestException:
            if attempt == 0:
                return False
        time.sleep(1)
    return False


# They stop and kill parts of the cluster: only when asked (.ci/run, docs/reliability.md).
pytestmark = pytest.mark.skipif(
    os.environ.get("PERVICHKA_CLUSTER_TESTS") != "1" or not _cluster_up(),
    reason="PERVICHKA_CLUSTER_TESTS=1 and a running cluster (make cluster) are needed",
)


def cluster(*args: str) -> None:
    subprocess.run([str(ROOT / "deploy" / "cluster.sh"), *args], check=True, cwd=ROOT)


def primary_rows(sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(PRIMARY, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def primary_execute(sql: str, params: tuple = ()) -> int:
    with psycopg.connect(PRIMARY, autocommit=True) as conn:
        return conn.execute(sql, params).rowcount


def write_figures(name: str, lines: list[str]) -> None:
    """Replace this fault's section of docs/reliability.md with the figures just measured."""
    begin, end = f"<!-- fault:{name}:begin -->", f"<!-- fault:{name}:end -->"
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Reliability\n"
    block = "\n".join([begin, *lines, end])
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    REPORT.write_text(text, encoding="utf-8")


def appeal_payload(i: int) -> dict:
    settlement_id, category = primary_rows(
        "SELECT s.id, c.code FROM orgs_settlement s JOIN appeals_category c"
        " ON c.district_id = s.district_id AND c.is_active ORDER BY s.id, c.id LIMIT 1"
    )[0]
    return {
        "settlement_id": settlement_id,
        "category": category,
        "text": f"Проверка отказа узла {i}",
        "surname": f"Отказов{i}",
        "name": "Тест",
        "phone": "+77012345678",
        "consent": True,
    }


class Load:
    """Client threads that submit appeals through nginx, each retrying its own idempotency
    key until it holds a receipt, as the public form's script and the API clients do."""

    def __init__(self, jobs: list[tuple[str, dict]], threads: int = 4):
        self.jobs = jobs
        self.threads = threads
        self.receipts: dict[str, dict] = {}
        self.attempts = 0
        self.failures = 0
        self.statuses: dict[str, int] = {}
        self.lock = threading.Lock()
        self.deadline = time.monotonic() + DEADLINE_SECONDS

    def _client(self, jobs):
        session = requests.Session()
        for key, payload in jobs:
            while time.monotonic() < self.deadline:
                try:
                    response = session.post(
                        NGINX + "/api/v1/public/appeals",
                        json=payload,
                        headers={"Idempotency-Key": key},
                        timeout=15,
                    )
                    status = str(response.status_code)
                except requests.RequestException as exc:
                    response, status = None, type(exc).__name__
                with self.lock:
                    self.attempts += 1
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if response is not None and response.status_code in (200, 201):
                        self.receipts[key] = response.json()
                        break
                    self.failures += 1
                time.sleep(0.05)

    def start(self):
        self.workers = [
            threading.Thread(target=self._client, args=(self.jobs[i :: self.threads],))
            for i in range(self.threads)
        ]
        for worker in self.workers:
            worker.start()

    def wait_for(self, done: int) -> None:
        while len(self.receipts) < done and time.monotonic() < self.deadline:
            time.sleep(0.02)

    def join(self):
        for worker in self.workers:
            worker.join(timeout=DEADLINE_SECONDS + 30)


def test_an_application_node_killed_under_load_loses_and_doubles_nothing():
    run = uuid.uuid4().hex[:8]
    jobs = [(f"fault-node-{run}-{i:04d}", appeal_payload(i)) for i in range(JOBS)]
    load = Load(jobs)
    started = time.monotonic()
    load.start()
    load.wait_for(JOBS // 3)
    killed_at = len(load.receipts)
    cluster("kill-part", "app1")
    load.wait_for(2 * JOBS // 3)
    cluster("start-part", "app1")
    load.join()
    elapsed = time.monotonic() - started

    assert len(load.receipts) == JOBS, "every submission got a receipt in the end"
    rows = primary_rows(
        "SELECT idempotency_key, tracking_code, number FROM appeals_appeal"
        " WHERE idempotency_key LIKE %s",
        (f"fault-node-{run}-%",),
    )
    by_key: dict[str, list] = {}
    for key, code, number in rows:
        by_key.setdefault(key, []).append((code, number))
    doubled = [key for key, found in by_key.items() if len(found) != 1]
    lost = [key for key in load.receipts if key not in by_key]
    assert not doubled
    assert not lost
    for key, receipt in load.receipts.items():
        assert by_key[key] == [(receipt["tracking_code"], receipt["number"])]

    share = load.failures / load.attempts
    write_figures(
        "node-kill",
        [
            f"- submissions: {JOBS} from 4 client threads through nginx; app1 SIGKILLed "
            f"(master and workers) after {killed_at} receipts, started again after "
            f"{2 * JOBS // 3}",
            f"- stored exactly once: {len(by_key)} of {len(load.receipts)} receipts; "
            f"lost {len(lost)}, doubled {len(doubled)}",
            f"- requests: {load.attempts}, failed and retried: {load.failures} "
            f"({share:.1%}); answers: {json.dumps(dict(sorted(load.statuses.items())))}",
            f"- time: {elapsed:.1f} s",
        ],
    )


def test_the_replica_stopped_sends_reads_to_the_primary():
    try:
        before = requests.get(NGINX + "/portal/", timeout=10)
        assert before.status_code == 200
        cluster("stop-part", "replica")
        answers = [requests.get(NGINX + REPLICA_PAGE, timeout=15) for _ in range(20)]
        statuses = [a.status_code for a in answers]
        ready = requests.get(NGINX + "/readyz", timeout=15)
    finally:
        cluster("start-part", "replica")
    assert statuses == [200] * 20
    # The first request of each process may still try the replica and answer from the primary
    # (one failed connection); all of them say so.
    assert {a.headers["X-Pervichka-Reads"] for a in answers} == {"primary"}
    assert ready.status_code == 200
    assert any("replica" in reason for reason in ready.json()["degraded"])
    write_figures(
        "replica-stop",
        [
            "- replica stopped (pg_ctl stop -m fast); 20 replica pages through nginx: "
            f"{statuses.count(200)} answered 200, all read from the primary; /readyz 200 with "
            f"`{ready.json()['degraded'][0]}`",
        ],
    )


def test_redis_stopped_pages_serve_and_appeals_are_accepted():
    run = uuid.uuid4().hex[:8]
    try:
        cluster("stop-part", "redis")
        portal = [requests.get(NGINX + "/portal/", timeout=15).status_code for _ in range(10)]
        started = time.monotonic()
        submitted = [
            requests.post(
                NGINX + "/api/v1/public/appeals",
                json=appeal_payload(i),
                headers={"Idempotency-Key": f"fault-redis-{run}-{i}"},
                timeout=15,
            ).status_code
            for i in range(5)
        ]
        per_submission = (time.monotonic() - started) / 5
        ready = requests.get(NGINX + "/readyz", timeout=15).json()
    finally:
        cluster("start-part", "redis")
    assert portal == [200] * 10
    assert submitted == [201] * 5
    stored = primary_rows(
        "SELECT count(*) FROM appeals_appeal WHERE idempotency_key LIKE %s",
        (f"fault-redis-{run}-%",),
    )[0][0]
    assert stored == 5
    write_figures(
        "redis-stop",
        [
            f"- Redis stopped: 10 portal pages {portal.count(200)}×200; 5 public appeals "
            f"{submitted.count(201)}×201, {stored} stored, {per_submission:.2f} s each; "
            f"/readyz degraded: `{', '.join(ready['degraded'])}`",
        ],
    )


def test_the_primary_restarting_is_503_with_retry_after_and_the_nodes_recover():
    """Public submissions (writes: the primary, whatever the replica does) while the primary
    is stopped: 503 with Retry-After or stored, never a stack trace, and the same key sent
    again afterwards gives one appeal."""
    run = uuid.uuid4().hex[:8]
    payload = appeal_payload(0)
    answers: dict[str, int] = {}
    retry_after_missing = tracebacks = 0
    sent: list[str] = []

    def submit(key: str) -> requests.Response | None:
        nonlocal retry_after_missing, tracebacks
        try:
            response = requests.post(
                NGINX + "/api/v1/public/appeals",
                json=payload,
                headers={"Idempotency-Key": key},
                timeout=20,
            )
        except requests.RequestException as exc:
            answers[type(exc).__name__] = answers.get(type(exc).__name__, 0) + 1
            return None
        answers[str(response.status_code)] = answers.get(str(response.status_code), 0) + 1
        if response.status_code == 503 and "Retry-After" not in response.headers:
            retry_after_missing += 1
        if "Traceback" in response.text:
            tracebacks += 1
        return response

    started = time.monotonic()
    try:
        cluster("kill-part", "primary")
        outage_end = time.monotonic() + 6
        while time.monotonic() < outage_end:
            key = f"fault-primary-{run}-{len(sent)}"
            sent.append(key)
            submit(key)
            time.sleep(0.2)
    finally:
        cluster("start-part", "primary")
    outage_answers = dict(answers)
    recovered_after = None
    for _ in range(100):
        response = requests.get(NGINX + "/readyz", timeout=20)
        if response.status_code == 200:
            recovered_after = time.monotonic() - started
            break
        time.sleep(0.3)
    assert recovered_after is not None, "the nodes are ready again without being restarted"
    for key in sent:  # the clients retry with their keys
        response = requests.post(
            NGINX + "/api/v1/public/appeals",
            json=payload,
            headers={"Idempotency-Key": key},
            timeout=20,
        )
        assert response.status_code in (200, 201), response.status_code
    counts = primary_rows(
        "SELECT count(*), count(DISTINCT idempotency_key) FROM appeals_appeal"
        " WHERE idempotency_key LIKE %s",
        (f"fault-primary-{run}-%",),
    )[0]
    assert counts == (len(sent), len(sent))
    assert set(outage_answers) <= {"200", "201", "503"}, outage_answers
    assert retry_after_missing == 0
    assert tracebacks == 0
    write_figures(
        "primary-restart",
        [
            "- primary stopped (immediate) for 6 s while public appeals were submitted "
            f"through nginx: answers {json.dumps(dict(sorted(outage_answers.items())))}; "
            "every 503 with Retry-After (PgBouncer holds a request up to its query_wait_timeout, "
            "10 s, before the application answers 503), no stack trace; ready again "
            f"{recovered_after:.1f} s after the stop, no node restarted; the {len(sent)} "
            f"keys sent again: {counts[0]} appeals, one per key",
        ],
    )


# --- Replica lag -------------------------------------------------------------------------
REPLICA_PORT = os.environ.get("CLUSTER_REPLICA_PORT", "5434")
REPLICA = f"postgresql://postgres@127.0.0.1:{REPLICA_PORT}/pervichka"
# A portal page under core.dbrouter.replica_reads: it says where it read.
REPLICA_PAGE = "/promises/"


def reads_from(count: int = 8) -> list[str]:
    """Where fresh clients' replica pages read (no pin cookie: a new session each)."""
    answers = []
    for _ in range(count):
        response = requests.get(NGINX + REPLICA_PAGE, timeout=15)
        assert response.status_code == 200
        answers.append(response.headers.get("X-Pervichka-Reads", "none"))
    return answers


def wait_reads(where: str, seconds: float) -> float | None:
    """Seconds until every node's processes answer from `where`, None if not within."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if set(reads_from()) == {where}:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def test_a_lagging_replica_sends_reads_to_the_primary_and_gets_them_back():
    """Replay paused on the replica while the primary takes a write: past the allowed lag
    (PERVICHKA_REPLICA_MAX_LAG, 10 s in the cluster) the replica pages read the primary;
    replay resumed, they return to the replica. A client that has just written reads the
    primary even while the replica is usable (its pin cookie)."""
    assert wait_reads("replica", 20) is not None, "the replica serves its pages at the start"
    writer = requests.Session()
    response = writer.post(
        NGINX + "/api/v1/public/appeals",
        json=appeal_payload(0),
        headers={"Idempotency-Key": f"fault-lag-{uuid.uuid4().hex[:8]}"},
        timeout=15,
    )
    assert response.status_code == 201
    assert "pv_primary" in writer.cookies
    assert writer.get(NGINX + REPLICA_PAGE, timeout=15).headers["X-Pervichka-Reads"] == "primary"
    with psycopg.connect(REPLICA, autocommit=True) as replica:
        replica.execute("SELECT pg_wal_replay_pause()")
        try:
            # The primary writes on while the replica only receives.
            requests.post(
                NGINX + "/api/v1/public/appeals",
                json=appeal_payload(1),
                headers={"Idempotency-Key": f"fault-lag-{uuid.uuid4().hex[:8]}"},
                timeout=15,
            )
            to_primary = wait_reads("primary", 45)
            ready = requests.get(NGINX + "/readyz", timeout=15)
        finally:
            replica.execute("SELECT pg_wal_replay_resume()")
    back = wait_reads("replica", 45)
    assert to_primary is not None, "past the allowed lag every replica page reads the primary"
    assert ready.status_code == 200
    assert any("behind" in reason for reason in ready.json()["degraded"])
    assert back is not None, "caught up, the replica serves again"
    write_figures(
        "replica-lag",
        [
            "- replica replay paused (pg_wal_replay_pause) while the primary took writes: "
            f"every replica page read the primary {to_primary:.1f} s later (allowed lag 10 s, "
            f"measured every 5 s per process); /readyz 200 with `{ready.json()['degraded'][0]}`; "
            f"replay resumed, back on the replica after {back:.1f} s; a client that had just "
            "written read the primary (its pin cookie)",
        ],
    )


# --- A Celery worker killed in the middle of a notification batch ---------------------------
class FakeSMSGateway(BaseHTTPRequestHandler):
    """The SMS gateway, on loopback: records every request; accepts a message id once (a
    repeat is answered "duplicate" and not delivered again, as gateways with a client message
    id do); holds the answer to request number `hold_at` until `release` is set, so that the
    worker can be killed after the gateway accepted the message and before it heard back."""

    lock = threading.Lock()
    requests: list[dict] = []
    delivered: dict[str, int] = {}
    hold_at = 0
    held = threading.Event()
    release = threading.Event()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers.get("Idempotency-Key") or body.get("id")
        cls = FakeSMSGateway
        with cls.lock:
            cls.requests.append(body)
            number = len(cls.requests)
            duplicate = key in cls.delivered
            cls.delivered[key] = cls.delivered.get(key, 0) + (0 if duplicate else 1)
        if number == cls.hold_at:
            cls.held.set()
            cls.release.wait(60)
        time.sleep(0.05)  # a gateway takes a moment: the batch is in flight for a while
        try:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"status": "duplicate"}' if duplicate else b'{"status": "ok"}')
        except OSError:
            pass  # the worker that asked is dead

    def log_message(self, *args):
        pass


def cluster_python(code: str, extra_env: dict | None = None) -> str:
    """Python in the cluster's application environment (deploy/cluster.sh env)."""
    script = 'eval "$(deploy/cluster.sh env)"; exec .venv/bin/python manage.py shell -c "$CODE"'
    env = {**os.environ, **(extra_env or {}), "CODE": code}
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def restart_workers(env: dict[str, str]) -> None:
    for part in ("worker1", "worker2"):
        cluster("stop-part", part)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        cluster("start-part", "worker1")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


VISIBILITY_TIMEOUT = 30  # CELERY_VISIBILITY_TIMEOUT in deploy/cluster.sh


def test_a_worker_killed_mid_batch_sends_every_notification_exactly_once():
    batch = int(os.environ.get("CLUSTER_NOTIFY_BATCH", "40"))
    gateway = FakeSMSGateway
    gateway.requests, gateway.delivered = [], {}
    gateway.held.clear()
    gateway.release.clear()
    gateway.hold_at = batch // 3
    server = ThreadingHTTPServer(("127.0.0.1", 0), gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    gateway_env = {
        "PERVICHKA_SMS_BACKEND": "pervichka.core.notify.HTTPSMSBackend",
        "PERVICHKA_SMS_URL": f"http://127.0.0.1:{server.server_port}/send",
    }
    run = uuid.uuid4().hex[:8]
    started = time.monotonic()
    try:
        # One worker sends (the other stopped): the one killed holds the batch's message.
        restart_workers(gateway_env)
        ids = json.loads(
            cluster_python(
                "import json; from pervichka.core.services import notification_queue; "
                "print(json.dumps([notification_queue(channel='sms', to='+7701%07d' % i, "
                f"body='Рассылка {run} %d' % i, kind='fault-test', ref='fault:{run}').pk "
                f"for i in range({batch})]))"
            ).splitlines()[-1]  # after the shell's own notes
        )
        assert gateway.held.wait(60), "the batch reached the gateway"
        killed_after = len(gateway.requests)
        cluster("kill-part", "worker1")
        killed = time.monotonic()
        gateway.release.set()
        # Redis's transport gives an unacknowledged task back once it is older than the
        # visibility timeout (30 s in the cluster), checked 10 s after a worker starts and
        # then every 100 s (kombu's restore_visible). The worker comes back after the
        # timeout, as a supervisor's restart after a crash loop would; restarted at once
        # it still gets the task, up to 100 s later.
        time.sleep(max(0.0, VISIBILITY_TIMEOUT + 2 - (time.monotonic() - killed)))
        restart_workers(gateway_env)
        sent_at = None
        while time.monotonic() - started < DEADLINE_SECONDS:
            statuses = primary_rows(
                "SELECT status, count(*) FROM core_notification WHERE ref = %s GROUP BY status",
                (f"fault:{run}",),
            )
            if dict(statuses).get("sent") == batch:
                sent_at = time.monotonic() - started
                break
            time.sleep(1)
        attempts = dict(
            primary_rows(
                "SELECT attempts, count(*) FROM core_notification WHERE ref = %s GROUP BY attempts",
                (f"fault:{run}",),
            )
        )
    finally:
        gateway.release.set()
        restart_workers({})
        cluster("start-part", "worker2")
        server.shutdown()
        server.server_close()
    keys = {f"notification:{pk}" for pk in ids}
    ours = {k: n for k, n in gateway.delivered.items() if k in keys}
    received = [r for r in gateway.requests if r["id"] in keys]
    assert sent_at is not None, f"every notification sent within {DEADLINE_SECONDS} s: {statuses}"
    assert set(ours) == keys, "every notification reached the gateway"
    assert set(ours.values()) == {1}, "and was delivered once"
    repeats = len(received) - batch
    assert repeats >= 1, "the message held when the worker died was sent again"
    write_figures(
        "worker-kill",
        [
            f"- {batch} SMS notifications queued (outbox rows, one task each) with one worker "
            f"sending to a fake gateway on loopback; the worker SIGKILLed (master and child) "
            f"while the gateway held its answer to message {gateway.hold_at} "
            f"({killed_after} received by then), started again {VISIBILITY_TIMEOUT + 2} s "
            "later",
            f"- all {batch} rows `sent` after {sent_at:.1f} s (the unacknowledged task comes "
            "back after the broker's visibility timeout, 30 s in the cluster, and the row's "
            "claim expires after PERVICHKA_NOTIFICATION_CLAIM_SECONDS, 20 s in the cluster)",
            f"- the gateway received {len(received)} requests for {batch} messages: "
            f"{repeats} repeat(s) of the message in flight at the kill, each recognised by its "
            "id and not delivered again; delivered exactly once: "
            f"{sum(1 for n in ours.values() if n == 1)} of {batch}; attempts per row: "
            f"{json.dumps(dict(sorted(attempts.items())))}",
        ],
    )


# --- Point-in-time recovery ----------------------------------------------------------------
PITR_PORT = os.environ.get("CLUSTER_PITR_PORT", "5435")


def test_point_in_time_recovery_brings_back_members_archived_by_mistake():
    """A base backup, then a mass archive of members by mistake; the archive replayed into a
    new data directory to the moment before it has them active, and their rows are put back
    on the primary from that copy."""
    cluster("pitr", "base")
    active = "SELECT id FROM people_membership WHERE status <> 'archived' ORDER BY id"
    before = [row[0] for row in primary_rows(active)]
    assert before, "the demo has members"
    time.sleep(1.5)
    target = primary_rows("SELECT now()::text")[0][0]
    time.sleep(1.5)
    # The mistake: every current membership archived, as a wrong bulk action would.
    primary_execute(
        "UPDATE people_membership SET status = 'archived', leave_reason = 'other',"
        " \"left\" = GREATEST(joined, current_date) WHERE status <> 'archived'"
    )
    assert primary_rows(active) == []
    started = time.monotonic()
    restored_url = f"postgresql://postgres@127.0.0.1:{PITR_PORT}/pervichka"
    try:
        cluster("pitr", "switch")
        cluster("pitr", "restore", target, PITR_PORT)
        restore_seconds = time.monotonic() - started
        with psycopg.connect(restored_url, autocommit=True) as restored:
            rows = restored.execute(
                'SELECT id, status, "left", leave_reason FROM people_membership WHERE id = ANY(%s)',
                (before,),
            ).fetchall()
        # Back on the primary: the restored copy's values of the rows the mistake changed.
        with psycopg.connect(PRIMARY) as primary, primary.cursor() as cursor:
            cursor.executemany(
                'UPDATE people_membership SET status = %s, "left" = %s, leave_reason = %s'
                " WHERE id = %s",
                [(status, left, reason, pk) for pk, status, left, reason in rows],
            )
    finally:
        cluster("pitr", "stop", PITR_PORT)
    assert sorted(pk for pk, status, _l, _r in rows if status != "archived") == before
    assert [row[0] for row in primary_rows(active)] == before
    write_figures(
        "pitr",
        [
            f"- base backup (pg_basebackup), then {len(before)} current memberships archived "
            "by one mistaken UPDATE; `deploy/cluster.sh pitr restore` replayed the WAL archive "
            f"into a new data directory on port {PITR_PORT} to {target} (1.5 s before the "
            f"mistake): {len(before)} of {len(before)} memberships current there; restored "
            f"and promoted {restore_seconds:.1f} s after the WAL switch began; the rows copied "
            "back to the primary, which has them all current again",
        ],
    )


# --- Figures computed on the replica only when it has replayed everything ------------------
READ_CURRENT_CODE = """
import json
from django.db import connections
from pervichka.appeals.models import Appeal
from pervichka.core.dbrouter import read_current, replica_has_replayed_primary, REPLICA
from django.db import DEFAULT_DB_ALIAS
def compute():
    return Appeal.objects.count()
caught_up = replica_has_replayed_primary()
figure = read_current(compute)
with connections[REPLICA].cursor() as c:
    c.execute("SELECT count(*) FROM appeals_appeal")
    on_replica = c.fetchone()[0]
with connections[DEFAULT_DB_ALIAS].cursor() as c:
    c.execute("SELECT count(*) FROM appeals_appeal")
    on_primary = c.fetchone()[0]
print(json.dumps({"caught_up": caught_up, "figure": figure, "replica": on_replica,
                  "primary": on_primary}))
"""


def read_current_state() -> dict:
    return json.loads(cluster_python(READ_CURRENT_CODE).strip().splitlines()[-1])


def test_figures_read_the_replica_only_when_it_has_replayed_the_primary():
    """The start page's figures are cached until the next write, so they are computed on the
    replica only when it holds everything the primary held at that moment (read_current):
    with replay paused and a write on the primary, the figure is the primary's (the replica's
    own count is behind); replay resumed, the replica has caught up and is used again."""
    with psycopg.connect(REPLICA, autocommit=True) as replica:
        replica.execute("SELECT pg_wal_replay_pause()")
        try:
            response = requests.post(
                NGINX + "/api/v1/public/appeals",
                json=appeal_payload(7),
                headers={"Idempotency-Key": f"fault-current-{uuid.uuid4().hex[:8]}"},
                timeout=15,
            )
            assert response.status_code == 201
            paused = read_current_state()
        finally:
            replica.execute("SELECT pg_wal_replay_resume()")
    resumed = None
    for _ in range(30):
        resumed = read_current_state()
        if resumed["caught_up"]:
            break
        time.sleep(1)
    assert paused["caught_up"] is False
    assert paused["replica"] < paused["primary"], "the replica is behind while paused"
    assert paused["figure"] == paused["primary"], "the figure is the primary's, not stale"
    assert resumed["caught_up"] is True, "replay resumed, the replica catches up"
    assert resumed["figure"] == resumed["replica"] == resumed["primary"]
    write_figures(
        "read-current",
        [
            "- figures cached under the write counter (the start page, `read_current`): with "
            "replica replay paused and an appeal written on the primary, the figure was the "
            f"primary's ({paused['primary']} appeals; the replica still had "
            f"{paused['replica']}); replay resumed, the replica had caught up and computed "
            f"the figure ({resumed['figure']})",
        ],
    )
