"""Nothing given a receipt is lost, nothing retried is doubled — with the server killed.

Real parts only: gunicorn serves the project on loopback against the test database; client
threads submit appeals (public API) and dues payments (token API), each with its own
idempotency key, retrying the same key on any failure. Midway the server is killed with
SIGKILL — workers and master, mid-request — and started again. Afterwards every key has
exactly one row, the one whose receipt the client holds.
"""

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

from pervichka.accounts.services import api_token_create
from pervichka.appeals.models import Appeal
from pervichka.dues.models import DuesRate, Payment
from tests.factories import MembershipFactory

ROOT = Path(__file__).resolve().parent.parent.parent
# gunicorn runs in other processes, on the real date: so does the test.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self):
        self.port = _port()
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "PERVICHKA_TESTING": "0",
            "PERVICHKA_PUBLIC_RATE_PER_HOUR": "100000",
            "LOG_LEVEL": "ERROR",
            "PERVICHKA_SMS_BACKEND": "pervichka.core.notify.LocmemSMSBackend",
        }
        if db["ENGINE"].endswith("postgresql"):
            env["DATABASE_URL"] = (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )
        else:
            env.pop("DATABASE_URL", None)
            env["PERVICHKA_SQLITE_PATH"] = str(db["NAME"])
        self.env = env
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "error",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def kill(self) -> None:
        """SIGKILL to the whole group: no worker finishes what it was doing."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


def run_clients(server: Gunicorn, jobs: list, send, *, threads: int = 4) -> dict:
    """Send every job until it succeeds, retrying the same key; kill and restart the server
    when a third of the jobs are done. Returns {key: receipt}."""
    receipts: dict = {}
    done = threading.Event()
    lock = threading.Lock()

    def client(my_jobs):
        for key, payload in my_jobs:
            for _attempt in range(200):
                try:
                    response = send(server.url, key, payload)
                    if response.status_code in (200, 201):
                        with lock:
                            receipts[key] = response.json()
                        # A client that did not hear the answer would send it again: do so.
                        if hash(key) % 5 == 0:
                            again = send(server.url, key, payload)
                            assert again.json() == response.json() or again.status_code >= 500
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.05)

    chunks = [jobs[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    while len(receipts) < len(jobs) // 3:
        time.sleep(0.02)
    server.kill()
    time.sleep(0.3)
    server.start()
    for worker in workers:
        worker.join(timeout=180)
    done.set()
    return receipts


@pytest.fixture
def server(tree, categories):
    gunicorn = Gunicorn()
    gunicorn.start()
    yield gunicorn
    gunicorn.stop()


def test_no_appeal_is_lost_or_doubled_when_the_server_is_killed(server, tree):
    jobs = [
        (
            f"loss-appeal-{i:03d}",
            {
                "settlement_id": tree.village.pk,
                "category": "roads",
                "text": f"Обращение {i}",
                "surname": f"Проверкин{i}",
                "name": "Тест",
                "phone": "+77012345678",
                "consent": True,
            },
        )
        for i in range(60)
    ]

    def send(url, key, payload):
        return requests.post(
            url + "/api/v1/public/appeals",
            json=payload,
            timeout=10,
            headers={"Idempotency-Key": key},
        )

    receipts = run_clients(server, jobs, send)
    assert len(receipts) == len(jobs), "every submission got a receipt in the end"
    for key, receipt in receipts.items():
        appeals = list(Appeal.objects.filter(idempotency_key=key))
        assert len(appeals) == 1, key
        assert appeals[0].tracking_code == receipt["tracking_code"]
        assert appeals[0].number == receipt["number"]
    assert Appeal.objects.count() == len(jobs)
    numbers = sorted(
        int(n.rsplit("-", 1)[1]) for n in Appeal.objects.values_list("number", flat=True)
    )
    assert numbers == list(range(1, len(jobs) + 1)), "registration numbers have no gaps"


def test_no_payment_is_lost_or_doubled_when_the_server_is_killed(server, tree, chair_a):
    for category in ("working", "pensioner", "student", "unemployed"):
        DuesRate.objects.create(
            district=tree.district, category=category, amount=500, valid_from=dt.date(2020, 1, 1)
        )
    members = [
        MembershipFactory(primary=tree.primary_a, joined=dt.date(2025, 1, 1)) for _ in range(10)
    ]
    _token, raw = api_token_create(actor=chair_a, name="loss test")
    jobs = [
        (
            f"loss-pay-{m.pk}-{month}",
            {
                "membership_id": m.pk,
                "months": [f"2025-{month:02d}-01"],
                "method": "cash",
                "paid_on": "2025-12-01",
                "receipt_number": f"R{m.pk}-{month}",
            },
        )
        for m in members
        for month in range(1, 7)
    ]

    def send(url, key, payload):
        return requests.post(
            url + "/api/v1/dues/payments",
            json=payload,
            timeout=10,
            headers={"Idempotency-Key": key, "Authorization": f"Bearer {raw}"},
        )

    receipts = run_clients(server, jobs, send)
    assert len(receipts) == len(jobs)
    for key, receipt in receipts.items():
        payments = list(Payment.objects.filter(idempotency_key=key))
        assert len(payments) == 1, key
        assert payments[0].pk == receipt["id"]
    assert Payment.objects.count() == len(jobs)
    from django.db.models import Sum

    from pervichka.dues.models import Entry

    assert Entry.objects.aggregate(s=Sum("amount"))["s"] == 0
    assert settings.TESTING
