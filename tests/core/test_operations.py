"""What the proxy, the orchestrator and Prometheus see, and what a node does when a part of
the cluster is away: the database (503 with Retry-After, then recovery by itself), Redis
(rate limits still count), the replica (reads on the primary). Real failures: a database
address where nothing listens, a Redis port where nothing listens."""

import socket

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from pervichka.core import dbrouter, ratelimit
from pervichka.core.dbrouter import ReplicaRouter, reads_from_replica
from pervichka.orgs.models import OrgUnit


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_and_readyz_answer_when_all_is_there(client, tree):
    assert client.get("/healthz").content == b"ok"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "failures": [], "degraded": [], "node": ""}


def test_metrics_are_404_to_anyone_not_allowed(client, login, chair_b):
    assert client.get("/metrics").status_code == 404
    login(chair_b)
    assert client.get("/metrics").status_code == 404
    with override_settings(PERVICHKA_METRICS_TOKEN="s3cret"):
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


@override_settings(PERVICHKA_METRICS_TOKEN="s3cret")
def test_metrics_show_latency_per_view_queries_and_business_figures(client, tree):
    client.get("/portal/")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",' in text
    assert 'view="public:home"' in text
    assert 'django_db_execute_total{alias="default"' in text
    assert "pervichka_appeals_overdue 0.0" in text
    assert 'pervichka_notifications_unsent{status="pending"} 0.0' in text


@override_settings(PERVICHKA_METRICS_IPS=["127.0.0.1"])
def test_metrics_answer_the_allowed_address(client, tree):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404


def test_request_id_from_the_proxy_is_answered_and_a_bad_one_replaced(client, tree):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert replaced != "<script>"
    assert len(replaced) == 32


@pytest.mark.django_db(transaction=True)
def test_database_away_is_503_with_retry_after_and_recovers_by_itself(client):
    client.raise_request_exception = False
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-dir/pervichka.sqlite3"
    else:
        connection.settings_dict["PORT"] = _closed_port()
    try:
        response = client.get("/portal/")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "Traceback" not in response.content.decode()
        assert client.get("/readyz").status_code == 503
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert client.get("/portal/").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_rate_limit_counts_in_the_process_when_redis_is_away():
    redis_away = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with override_settings(CACHES=redis_away):
        caches["local"].clear()
        allowed = [ratelimit.hit("test", "1.2.3.4", limit=3, window_seconds=60) for _ in range(5)]
        assert caches["default"].get("anything") is None  # a miss, not an error
    assert allowed == [True, True, True, False, False]


def test_without_a_replica_every_read_goes_to_the_primary(tree):
    router = ReplicaRouter()
    assert not dbrouter.replica_configured()
    with reads_from_replica():
        assert router.db_for_read(OrgUnit) == "default"
        assert OrgUnit.objects.filter(pk=tree.district.pk).exists()
    assert router.db_for_write(OrgUnit) == "default"
    assert router.allow_migrate("replica", "orgs") is False
