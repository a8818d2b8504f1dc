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
        statuses = [requests.get(NGINX + "/portal/", timeout=15).status_code for _ in range(20)]
        ready = requests.get(NGINX + "/readyz", timeout=15)
    finally:
        cluster("start-part", "replica")
    assert statuses == [200] * 20
    assert ready.status_code == 200
    assert any("replica" in reason for reason in ready.json()["degraded"])
    write_figures(
        "replica-stop",
        [
            "- replica stopped (pg_ctl stop -m fast); 20 portal pages through nginx: "
            f"{statuses.count(200)} answered 200; /readyz 200 with "
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
