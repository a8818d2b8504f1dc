"""gunicorn for one application node. deploy/cluster.sh passes the address and the pid file;
production sets the same through GUNICORN_* or the command line."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Synchronous workers: the views are database-bound, and PgBouncer absorbs the connections.
# Two per core is the usual start; a 2-core node runs 4 (docs/deployment.md, docs/scaling.md).
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
timeout = 60
graceful_timeout = 20
# A worker is replaced after this many requests (a leak cannot grow for ever); the jitter
# keeps the workers of one node from restarting together.
max_requests = 5000
max_requests_jitter = 500
# nginx keeps connections to the node open (upstream keepalive).
keepalive = 30
# The application logs JSON itself; gunicorn's access log would repeat every request.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# nginx is on the same host (or network): trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """Prometheus's multiprocess mode: a dead worker's live gauges are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
