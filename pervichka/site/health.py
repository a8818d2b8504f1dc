"""What the proxy, the orchestrator and Prometheus ask a node: readiness and metrics."""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import REGISTRY, GaugeMetricFamily

from pervichka.appeals.selectors import appeals_overdue_total
from pervichka.core import dbrouter
from pervichka.core.selectors import notification_backlog

logger = logging.getLogger(__name__)
_migrations_applied = False


def check_database() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure makes the node not ready; the reason is shown
        return f"database: {type(exc).__name__}"
    return None


def check_migrations() -> str | None:
    """Once all are applied a process remembers it: the graph is costly to load."""
    global _migrations_applied
    if _migrations_applied:
        return None
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # see check_database
        return f"migrations: {type(exc).__name__}"
    if plan:
        return f"migrations: {len(plan)} not applied"
    _migrations_applied = True
    return None


def check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None
    # Imported here: django_redis is there only when Redis is configured.
    from django_redis import get_redis_connection

    try:
        get_redis_connection("default").ping()
    except Exception as exc:  # see check_database
        return f"redis: {type(exc).__name__}"
    return None


def check_replica() -> str | None:
    if not dbrouter.replica_configured():
        return None
    lag = dbrouter.replica_lag(refresh=True)
    if lag is None:
        return "replica: unreachable (reads go to the primary)"
    if lag > settings.PERVICHKA_REPLICA_MAX_LAG:
        return f"replica: {lag:.0f} s behind (reads go to the primary)"
    return None


def readiness() -> tuple[bool, dict]:
    """Ready means the node can answer: the database is there and its schema is current.
    Redis and the replica only degrade it (the cache is missed, sessions come from the
    database, reads go to the primary): a node is not taken out of the proxy for them,
    or every node would be taken out together."""
    failures = [r for r in (check_database(),) if r]
    if not failures:
        failures += [r for r in (check_migrations(),) if r]
    degraded = [r for r in (check_redis(), check_replica()) if r]
    return not failures, {
        "ready": not failures,
        "failures": failures,
        "degraded": degraded,
        "node": os.environ.get("PERVICHKA_NODE", ""),
    }


def metrics_allowed(request) -> bool:
    token = settings.PERVICHKA_METRICS_TOKEN
    if token and request.headers.get("Authorization", "") == f"Bearer {token}":
        return True
    return request.META.get("REMOTE_ADDR", "") in settings.PERVICHKA_METRICS_IPS


class BusinessCollector:
    """Figures measured when Prometheus asks: the outbox's backlog, overdue appeals, the
    Celery queue. Each is one cheap count; a failure leaves the figure out."""

    def collect(self):
        try:
            backlog = notification_backlog()
            family = GaugeMetricFamily(
                "pervichka_notifications_unsent", "Outbox messages not yet sent", labels=["status"]
            )
            for status, n in backlog.items():
                family.add_metric([status], n)
            yield family
            yield GaugeMetricFamily(
                "pervichka_appeals_overdue", "Open appeals past their deadline",
                value=appeals_overdue_total(),
            )  # fmt: skip
        except Exception:  # the database is away: the request metrics still answer
            logger.warning("business metrics unavailable", exc_info=True)
        broker = settings.CELERY_BROKER_URL
        if broker.startswith("redis"):
            import redis  # only with a Redis broker

            try:
                client = redis.Redis.from_url(
                    broker, socket_timeout=0.5, socket_connect_timeout=0.5
                )
                queued = client.llen("celery")
                unacked = client.hlen("unacked")
            except redis.RedisError:
                return
            family = GaugeMetricFamily(
                "pervichka_celery_queue_length", "Celery messages by state", labels=["state"]
            )
            family.add_metric(["queued"], queued)
            family.add_metric(["unacked"], unacked)
            yield family


def metrics_text() -> bytes:
    """django-prometheus's figures (summed over the node's processes when gunicorn runs
    several: PROMETHEUS_MULTIPROC_DIR), then ours."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    business = CollectorRegistry()
    business.register(BusinessCollector())
    return generate_latest(registry) + generate_latest(business)
