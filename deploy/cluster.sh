#!/usr/bin/env bash
# The production cluster on one machine, over loopback: nginx → two gunicorn nodes →
# PgBouncer → PostgreSQL primary (+ a streaming replica for heavy reads), Redis, two Celery
# workers and one beat. Every part is a real process with its config from deploy/ and its
# files under .cluster/ (data, logs, pid files).
#
#   deploy/cluster.sh start            start what is not running (first time: initdb, demo)
#   deploy/cluster.sh stop             stop everything
#   deploy/cluster.sh status           one line per part
#   deploy/cluster.sh start-part NAME  / stop-part NAME / kill-part NAME (SIGKILL)
#   deploy/cluster.sh env              the application's environment (for manage.py)
#   deploy/cluster.sh pitr base|switch       a base backup; close and archive the WAL segment
#   deploy/cluster.sh pitr restore TIME PORT the primary as it was at TIME, on PORT
#   deploy/cluster.sh pitr stop PORT         (deploy/pitr.sh; docs/deployment.md)
#   deploy/cluster.sh destroy          stop and delete .cluster/
#
# Parts: primary replica pgbouncer redis app1 app2 worker1 worker2 beat nginx.
# Ports (override in the environment): nginx 8080, app nodes 8001 8002, PgBouncer 6432,
# primary 5433, replica 5434, Redis 6380 — none of the machine's own 5432 or 6379.
# CLUSTER_SIZE=small starts one gunicorn worker per node and one Celery worker (CI).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEPLOY="$ROOT/deploy"
RUN="${CLUSTER_DIR:-$ROOT/.cluster}"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
PY="${CLUSTER_PYTHON:-$ROOT/.venv/bin/python}"
VENV_BIN="$(dirname "$PY")"

NGINX_PORT="${CLUSTER_NGINX_PORT:-8080}"
APP1_PORT="${CLUSTER_APP1_PORT:-8001}"
APP2_PORT="${CLUSTER_APP2_PORT:-8002}"
PGBOUNCER_PORT="${CLUSTER_PGBOUNCER_PORT:-6432}"
PRIMARY_PORT="${CLUSTER_PRIMARY_PORT:-5433}"
REPLICA_PORT="${CLUSTER_REPLICA_PORT:-5434}"
REDIS_PORT="${CLUSTER_REDIS_PORT:-6380}"
SIZE="${CLUSTER_SIZE:-full}"
if [ "$SIZE" = small ]; then
  GUNICORN_WORKERS="${GUNICORN_WORKERS:-1}"
else
  GUNICORN_WORKERS="${GUNICORN_WORKERS:-2}"
fi
# Which application nodes nginx sends to (the scale-out measure starts it with one).
CLUSTER_NODES="${CLUSTER_NODES:-app1 app2}"

# PostgreSQL and PgBouncer refuse to run as root: as root they run as the postgres user.
if [ "$(id -u)" = 0 ]; then
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
  PG_OWNER=postgres
else
  as_pg() { "$@"; }
  PG_OWNER="$(id -un)"
fi

log() { echo "cluster: $*" >&2; }

# What PostgreSQL, PgBouncer and nginx's workers write lives under .cluster/ too, unless
# their users cannot reach it (a checkout under /root): then under /var/tmp, one per checkout.
SHARED="$RUN"
if [ "$(id -u)" = 0 ] && ! { runuser -u postgres -- test -x "$ROOT" && runuser -u nobody -- test -x "$ROOT"; } 2>/dev/null; then
  SHARED="/var/tmp/pervichka-cluster-$(printf '%s' "$RUN" | md5sum | cut -c1-10)"
fi

ensure_packages() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x "$PGBIN/postgres" ] || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      log "missing Debian packages: ${missing[*]} (install them, or run as root)"
      exit 1
    fi
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # Debian starts the packaged services on install; the cluster runs its own instances.
    for service in nginx pgbouncer redis-server; do
      case " ${missing[*]} " in *" $service"*) service "$service" stop >/dev/null 2>&1 || true ;; esac
    done
  fi
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  [ -x "$PY" ] || { log "no virtualenv at $PY: run make install first"; exit 1; }
}

render() { # render TEMPLATE OUT KEY=VALUE...
  local template="$1" out="$2"
  shift 2
  local text
  text="$(cat "$template")"
  for pair in "$@"; do
    text="${text//@${pair%%=*}@/${pair#*=}}"
  done
  printf '%s\n' "$text" >"$out"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(head -1 "$1")" 2>/dev/null; }

wait_port() { # wait_port PORT SECONDS
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

app_env() {
  cat <<EOF
export DJANGO_SECRET_KEY="$(cat "$RUN/secret-key")"
export DJANGO_DEBUG=0
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export PERVICHKA_SECURE=0
export PERVICHKA_BEHIND_PROXY=1
export PERVICHKA_SITE_URL=http://127.0.0.1:$NGINX_PORT
export DATABASE_URL=postgres://postgres@127.0.0.1:$PGBOUNCER_PORT/pervichka
export PERVICHKA_PGBOUNCER=1
export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/pervichka
export DATABASE_DIRECT_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/pervichka
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/1
export CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0
export CELERY_VISIBILITY_TIMEOUT=\${CELERY_VISIBILITY_TIMEOUT:-30}
export STATIC_ROOT=$RUN/static
export PERVICHKA_MEDIA_ROOT=$RUN/media
export PERVICHKA_METRICS_IPS=127.0.0.1
export PERVICHKA_JSON_LOGS=1
export PERVICHKA_SMS_BACKEND=\${PERVICHKA_SMS_BACKEND:-pervichka.core.notify.ConsoleSMSBackend}
export PERVICHKA_SMS_URL=\${PERVICHKA_SMS_URL:-}
# Shorter than production's (600 s, 30 s) so that the fault tests finish in bounded time.
export PERVICHKA_NOTIFICATION_CLAIM_SECONDS=\${PERVICHKA_NOTIFICATION_CLAIM_SECONDS:-20}
export PERVICHKA_REPLICA_MAX_LAG=\${PERVICHKA_REPLICA_MAX_LAG:-10}
export PERVICHKA_PUBLIC_RATE_PER_HOUR=\${PERVICHKA_PUBLIC_RATE_PER_HOUR:-1000000}
export LOG_LEVEL=\${LOG_LEVEL:-WARNING}
EOF
}

load_env() {
  [ -f "$RUN/secret-key" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" >"$RUN/secret-key"
  # shellcheck disable=SC1090
  eval "$(app_env)"
}

prepare_dirs() {
  mkdir -p "$RUN"/{logs,run,nginx,redis,static,media} "$SHARED"/{logs,nginx-tmp,pgbouncer,wal-archive}
  chmod 0777 "$SHARED/logs" "$SHARED/nginx-tmp"
  if [ "$PG_OWNER" != "$(id -un)" ]; then
    chown "$PG_OWNER" "$SHARED/pgbouncer" "$SHARED/wal-archive"
  fi
}

# --- PostgreSQL -----------------------------------------------------------------------
start_primary() {
  local data="$SHARED/pg-primary"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initdb $data"
    mkdir -p "$data" && chown "$PG_OWNER" "$data" && chmod 0700 "$data"
    as_pg "$PGBIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >/dev/null
    render "$DEPLOY/postgresql/primary.conf" "$data/cluster.conf" "ARCHIVE=$SHARED/wal-archive"
    chown "$PG_OWNER" "$data/cluster.conf"
    echo "include 'cluster.conf'" >>"$data/postgresql.conf"
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$data" -l "$SHARED/logs/pg-primary.log" -o "-p $PRIMARY_PORT" -w -t 60 start >/dev/null
  fi
  if ! "$PGBIN/psql" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='pervichka'" | grep -q 1; then
    "$PGBIN/createdb" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres pervichka
  fi
}

start_replica() {
  local data="$SHARED/pg-replica"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "pg_basebackup into $data"
    mkdir -p "$data" && chown "$PG_OWNER" "$data" && chmod 0700 "$data"
    # -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
    as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$data" \
      -R -X stream -c fast
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # The replica does not archive (archive_mode=on archives on a primary only).
    as_pg "$PGBIN/pg_ctl" -D "$data" -l "$SHARED/logs/pg-replica.log" -o "-p $REPLICA_PORT" -w -t 60 start >/dev/null
  fi
}

stop_pg() { # stop_pg DATA [MODE]
  if [ -f "$1/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$1" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$1" -m "${2:-fast}" -w -t 60 stop >/dev/null
  fi
}

# --- PgBouncer, Redis -------------------------------------------------------------------
start_pgbouncer() {
  pid_alive "$SHARED/pgbouncer/pgbouncer.pid" && return 0
  render "$DEPLOY/pgbouncer.ini" "$SHARED/pgbouncer/pgbouncer.ini" \
    "RUN=$SHARED" "PRIMARY_PORT=$PRIMARY_PORT" "LISTEN_PORT=$PGBOUNCER_PORT"
  echo '"postgres" ""' >"$SHARED/pgbouncer/userlist.txt"
  chown -R "$PG_OWNER" "$SHARED/pgbouncer"
  as_pg pgbouncer -q -d "$SHARED/pgbouncer/pgbouncer.ini"
  wait_port "$PGBOUNCER_PORT" 10
}

start_redis() {
  pid_alive "$RUN/redis/redis.pid" && return 0
  render "$DEPLOY/redis.conf" "$RUN/redis/redis.conf" "RUN=$RUN" "PORT=$REDIS_PORT"
  redis-server "$RUN/redis/redis.conf"
  wait_port "$REDIS_PORT" 10
}

# --- The application --------------------------------------------------------------------
prepare_app() {
  # Migrations go to the primary directly (DDL and advisory locks, not through the pool).
  (
    cd "$ROOT"
    export DATABASE_URL="$DATABASE_DIRECT_URL" PERVICHKA_PGBOUNCER=0
    "$PY" manage.py compile_catalogs >/dev/null
    "$PY" manage.py migrate --noinput >"$RUN/logs/migrate.log"
    "$PY" manage.py collectstatic --noinput >/dev/null
    if [ ! -f "$RUN/demo-loaded" ]; then
      log "loading the demo"
      "$PY" manage.py seed_demo >"$RUN/logs/seed_demo.log" 2>&1
      touch "$RUN/demo-loaded"
    fi
  )
}

app_port() { case "$1" in app1) echo "$APP1_PORT" ;; app2) echo "$APP2_PORT" ;; esac; }

start_app() {
  local name="$1" port
  port="$(app_port "$name")"
  pid_alive "$RUN/run/$name.pid" && return 0
  # Each gunicorn worker is a process: their metrics are summed from files in this folder.
  rm -rf "$RUN/prometheus-$name" && mkdir -p "$RUN/prometheus-$name"
  (cd "$ROOT" && GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS="$GUNICORN_WORKERS" \
    PROMETHEUS_MULTIPROC_DIR="$RUN/prometheus-$name" \
    PERVICHKA_NODE="$name" "$VENV_BIN/gunicorn" -c "$DEPLOY/gunicorn.conf.py" config.wsgi \
    --pid "$RUN/run/$name.pid" --error-logfile "$RUN/logs/$name.log" --daemon)
  wait_port "$port" 60
}

start_worker() {
  local name="$1"
  pid_alive "$RUN/run/$name.pid" && return 0
  # One process each: two workers on two cores next to the application nodes.
  (cd "$ROOT" && "$VENV_BIN/celery" -A config worker -n "$name@%h" --concurrency 1 \
    --pidfile "$RUN/run/$name.pid" --logfile "$RUN/logs/$name.log" -l warning --detach)
}

start_beat() {
  pid_alive "$RUN/run/beat.pid" && return 0
  (cd "$ROOT" && "$VENV_BIN/celery" -A config beat -s "$RUN/run/beat-schedule" \
    --pidfile "$RUN/run/beat.pid" --logfile "$RUN/logs/beat.log" -l warning --detach)
}

start_nginx() {
  local upstreams="" node
  for node in $CLUSTER_NODES; do
    upstreams+="        server 127.0.0.1:$(app_port "$node") max_fails=1 fail_timeout=5s;"$'\n'
  done
  render "$DEPLOY/nginx.conf" "$RUN/nginx/nginx.conf" "RUN=$RUN" "TMP=$SHARED/nginx-tmp" \
    "LISTEN=127.0.0.1:$NGINX_PORT" "UPSTREAMS=${upstreams%$'\n'}"
  if pid_alive "$RUN/nginx/nginx.pid"; then
    nginx -q -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/logs/nginx-error.log" -s reload
  else
    nginx -q -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/logs/nginx-error.log"
  fi
  wait_port "$NGINX_PORT" 10
}

stop_pidfile() { # stop_pidfile FILE [SIGNAL]
  local file="$1" pid
  [ -f "$file" ] || return 0
  pid="$(head -1 "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "-${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$file"
}

kill_group() { # SIGKILL a gunicorn or celery master and its children: nothing finishes.
  local file="$1" pid
  [ -f "$file" ] || return 0
  pid="$(head -1 "$file")"
  pkill -KILL -P "$pid" 2>/dev/null || true
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

start_part() {
  case "$1" in
    primary) start_primary ;;
    replica) start_replica ;;
    pgbouncer) start_pgbouncer ;;
    redis) start_redis ;;
    app1 | app2) start_app "$1" ;;
    worker1 | worker2) start_worker "$1" ;;
    beat) start_beat ;;
    nginx) start_nginx ;;
    *) log "unknown part $1"; exit 2 ;;
  esac
}

stop_part() {
  case "$1" in
    primary) stop_pg "$SHARED/pg-primary" ;;
    replica) stop_pg "$SHARED/pg-replica" ;;
    pgbouncer) stop_pidfile "$SHARED/pgbouncer/pgbouncer.pid" ;;
    redis) stop_pidfile "$RUN/redis/redis.pid" ;;
    app1 | app2 | worker1 | worker2 | beat) stop_pidfile "$RUN/run/$1.pid" ;;
    nginx) stop_pidfile "$RUN/nginx/nginx.pid" QUIT ;;
    *) log "unknown part $1"; exit 2 ;;
  esac
}

kill_part() {
  case "$1" in
    primary) stop_pg "$SHARED/pg-primary" immediate ;;
    replica) stop_pg "$SHARED/pg-replica" immediate ;;
    app1 | app2 | worker1 | worker2 | beat) kill_group "$RUN/run/$1.pid" ;;
    *) stop_part "$1" ;;
  esac
}

workers_for_size() { if [ "$SIZE" = small ]; then echo worker1; else echo worker1 worker2; fi; }

cmd_start() {
  ensure_packages
  prepare_dirs
  load_env
  start_primary
  start_replica
  start_pgbouncer
  start_redis
  prepare_app
  local node
  for node in $CLUSTER_NODES; do start_app "$node"; done
  for node in $(workers_for_size); do start_worker "$node"; done
  start_beat
  start_nginx
  local deadline=$((SECONDS + 60))
  until curl -fsS "http://127.0.0.1:$NGINX_PORT/readyz" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      log "not ready:"; curl -sS "http://127.0.0.1:$NGINX_PORT/readyz" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  log "ready: http://127.0.0.1:$NGINX_PORT/ (demo logins in README.md)"
}

cmd_stop() {
  [ -d "$RUN" ] || return 0
  local part
  for part in nginx beat worker2 worker1 app2 app1 pgbouncer redis replica primary; do
    stop_part "$part" || true
  done
  local restored
  for restored in "$SHARED"/pg-pitr-*; do
    [ -d "$restored" ] && stop_pg "$restored"
  done
  return 0
}

cmd_pitr() {
  export PITR_HOST=127.0.0.1 PITR_PORT="$PRIMARY_PORT" PITR_ARCHIVE="$SHARED/wal-archive"
  export PITR_BACKUPS="$SHARED/backups" PGBIN
  case "${1:-}" in
    restore) "$DEPLOY/pitr.sh" restore "${2:?TIME}" "$SHARED/pg-pitr-${3:?PORT}" "$3" ;;
    stop) "$DEPLOY/pitr.sh" stop "$SHARED/pg-pitr-${2:?PORT}"; rm -rf "$SHARED/pg-pitr-$2" ;;
    *) "$DEPLOY/pitr.sh" "$@" ;;
  esac
}

cmd_status() {
  local part state all_up=0
  for part in nginx app1 app2 worker1 worker2 beat pgbouncer redis primary replica; do
    case "$part" in
      primary | replica)
        if as_pg "$PGBIN/pg_ctl" -D "$SHARED/pg-$part" status >/dev/null 2>&1; then state=up; else state=down; fi ;;
      pgbouncer) pid_alive "$SHARED/pgbouncer/pgbouncer.pid" && state=up || state=down ;;
      redis) pid_alive "$RUN/redis/redis.pid" && state=up || state=down ;;
      nginx) pid_alive "$RUN/nginx/nginx.pid" && state=up || state=down ;;
      *) pid_alive "$RUN/run/$part.pid" && state=up || state=down ;;
    esac
    [ "$state" = up ] || all_up=1
    printf '%-10s %s\n' "$part" "$state"
  done
  printf '%-10s %s\n' readyz "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/readyz" || true)"
  return $all_up
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) load_env >/dev/null; app_env ;;
  start-part) prepare_dirs; load_env; start_part "$2" ;;
  stop-part) stop_part "$2" ;;
  kill-part) kill_part "$2" ;;
  pitr) shift; cmd_pitr "$@" ;;
  destroy) cmd_stop; rm -rf "$RUN" "$SHARED" ;;
  *) sed -n '2,21p' "$0"; exit 2 ;;
esac
