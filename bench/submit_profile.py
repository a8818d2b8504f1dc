"""Per-request cost of the public submission and of its raw-SQL floor, in process, through
the real WSGI handler (every middleware), as gunicorn runs them (branch submit2,
bench/NOTES.md "Stop 24").

    DATABASE_URL=postgres://…/DB PERVICHKA_BENCH=1 REDIS_URL=redis://127.0.0.1:6379/15 \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/15 python -m bench.submit_profile [N] [profile]

For each side: CPU time of this process per request (`time.process_time`: what the
machine's load does not change much), wall time, SQL statements (CaptureQueriesContext) and
Redis round trips (commands or pipelines sent) per request. With `profile`, a cProfile of N
submissions (timed on CPU) sorted by own and by cumulative time.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("PERVICHKA_BENCH", "1")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("PERVICHKA_SECURE", "0")
os.environ.setdefault("PERVICHKA_PUBLIC_RATE_PER_HOUR", "1000000000")
os.environ.setdefault("PERVICHKA_SMS_BACKEND", "pervichka.core.notify.LocmemSMSBackend")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# One connection for the whole run, so that its backend's CPU can be read.
os.environ.setdefault("DB_CONN_MAX_AGE", "36000")
sys.path.insert(0, os.getcwd())

import django

django.setup()

import redis.connection  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.http_load import _one_body  # noqa: E402
from pervichka.orgs.models import Settlement  # noqa: E402

application = get_wsgi_application()
REDIS_SENDS = [0]
_send = redis.connection.AbstractConnection.send_packed_command


def _counting_send(self, command, check_health=True):
    REDIS_SENDS[0] += 1
    return _send(self, command, check_health)


redis.connection.AbstractConnection.send_packed_command = _counting_send


def environ(path: str, body: bytes, key: str) -> dict:
    path, _sep, query = path.partition("?")
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_IDEMPOTENCY_KEY": key,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "HTTP_USER_AGENT": "wrk",
    }


def call(path: str, body: bytes, key: str) -> tuple[str, bytes]:
    out = {}

    def start_response(status, headers, exc_info=None):
        out["status"] = status

    result = application(environ(path, body, key), start_response)
    data = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return out["status"], data


def body_for(settlement: int, n: int) -> bytes:
    # What bench.http_load's wrk script sends: a new citizen, a new key, a random village.
    return json.dumps(
        {
            "settlement_id": settlement,
            "category": "roads",
            "text": "Яма на дороге у школы",
            "surname": f"Нагрузкин{n}",
            "name": "Тест",
            "phone": f"+77012{random.randint(0, 999999):06d}",
            "consent": True,
            "language": "ru",
        },
        ensure_ascii=False,
    ).encode()


def _cpu_of(pid: int) -> float:
    """utime + stime of a process, in seconds (a PostgreSQL backend, redis-server)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def measure(path: str, settlements: list[int], n: int) -> dict:
    cpu = wall = 0.0
    backend = _backend_pid()
    backend_cpu = _cpu_of(backend)
    statements = sends = 0
    for i in range(n):
        body = body_for(random.choice(settlements), i)
        key = f"prof-{uuid.uuid4().hex}"
        before_sends = REDIS_SENDS[0]
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            c0, w0 = time.process_time(), time.perf_counter()
            status, data = call(path, body, key)
            cpu += time.process_time() - c0
            wall += time.perf_counter() - w0
        assert status.startswith("201"), (status, data[:300])
        statements += len(queries.captured_queries)
        sends += REDIS_SENDS[0] - before_sends
    return {
        "backend_ms": (_cpu_of(backend) - backend_cpu) / n * 1000,
        "cpu_ms": cpu / n * 1000,
        "wall_ms": wall / n * 1000,
        "statements": statements / n,
        "redis": sends / n,
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    settlements = list(
        Settlement.objects.filter(district__kind="district").values_list("pk", flat=True)[:500]
    )
    _status, data = call(
        "/api/v1/public/appeals", _one_body(settlements[0]).encode(), f"prof-{uuid.uuid4().hex}"
    )
    template = json.loads(data)["tracking_code"]
    sides = {
        "submit": "/api/v1/public/appeals",
        "floor": f"/bench/submit-floor?template={template}",
    }
    for path in sides.values():  # warm both
        measure(path, settlements, 20)
    for run in range(2):
        for name, path in sides.items():
            figures = measure(path, settlements, n)
            print(
                f"run {run + 1} {name:6}: CPU {figures['cpu_ms']:.2f} ms, wall "
                f"{figures['wall_ms']:.2f} ms, PostgreSQL backend CPU "
                f"{figures['backend_ms']:.2f} ms, "
                f"{figures['statements']:.1f} statements, "
                f"{figures['redis']:.1f} Redis round trips per request"
            )
    if "profile" in sys.argv:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        measure(sides["submit"], settlements, n)
        profiler.disable()
        profiler.dump_stats("/tmp/submit2.pstats")
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(45)
        stats.sort_stats("cumtime").print_stats(90)
        stats.sort_stats("cumtime").print_stats("pervichka|ninja|pydantic|celery|kombu", 60)


if __name__ == "__main__":
    main()
