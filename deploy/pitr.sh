#!/usr/bin/env bash
# Point-in-time recovery with PostgreSQL's own tools: base backups by pg_basebackup, the WAL
# the primary archives (archive_command in deploy/postgresql/primary.conf), and a restore
# that replays the archive up to a moment (recovery_target_time) into a NEW data directory on
# its own port — never over the live primary. Steps and choices: docs/deployment.md.
#
#   deploy/pitr.sh base                     a base backup into $PITR_BACKUPS/base-<UTC time>
#   deploy/pitr.sh switch                   close the current WAL segment and wait until it
#                                           is archived (before a restore to "just now")
#   deploy/pitr.sh restore TIME DATA PORT   the newest base backup complete before TIME, replayed
#                                           to TIME (exclusive: a transaction committed at
#                                           TIME or later is not restored), started on PORT
#                                           and promoted; TIME like '2026-12-07 16:30:00+00'
#   deploy/pitr.sh stop DATA                stop a restored instance
#
# Environment (deploy/cluster.sh sets them for the loopback cluster: `deploy/cluster.sh pitr`):
#   PITR_HOST, PITR_PORT   the primary (127.0.0.1, 5433)
#   PITR_ARCHIVE           the WAL archive the primary's archive_command copies into
#   PITR_BACKUPS           where base backups are kept
#   PGBIN                  PostgreSQL's binaries (the newest under /usr/lib/postgresql)
# As root, PostgreSQL's commands run as the postgres user (it owns the data directories).
set -euo pipefail

HOST="${PITR_HOST:-127.0.0.1}"
PORT="${PITR_PORT:-5433}"
ARCHIVE="${PITR_ARCHIVE:?PITR_ARCHIVE: the WAL archive directory}"
BACKUPS="${PITR_BACKUPS:?PITR_BACKUPS: the base backups directory}"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"

if [ "$(id -u)" = 0 ]; then
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
  PG_OWNER=postgres
else
  as_pg() { "$@"; }
  PG_OWNER="$(id -un)"
fi
log() { echo "pitr: $*" >&2; }
psql_primary() { "$PGBIN/psql" -h "$HOST" -p "$PORT" -U postgres -d postgres -tAX -c "$1"; }

cmd_base() {
  mkdir -p "$BACKUPS" && chown "$PG_OWNER" "$BACKUPS"
  local dir
  dir="$BACKUPS/base-$(date -u +%Y%m%dT%H%M%SZ)"
  # -X stream: the WAL written during the copy is in the backup, so it is consistent alone.
  as_pg "$PGBIN/pg_basebackup" -h "$HOST" -p "$PORT" -U postgres -D "$dir" -X stream -c fast
  # When the copy was complete (UTC, epoch): it can be restored only to a later moment.
  date -u +%s >"$dir.finished"
  log "base backup $dir"
  echo "$dir"
}

cmd_switch() {
  local segment
  # pg_switch_wal closes the segment being written; its name is what must reach the archive.
  segment="$(psql_primary "SELECT pg_walfile_name(pg_switch_wal())")"
  for _ in $(seq 300); do
    [ -f "$ARCHIVE/$segment" ] && { log "archived $segment"; return 0; }
    sleep 0.1
  done
  log "$segment not archived within 30 s (archive_command failing? see the primary's log)"
  exit 1
}

cmd_restore() {
  local target="${1:?TIME}" data="${2:?DATA directory (new)}" port="${3:?PORT}"
  local target_epoch base="" finished candidate
  target_epoch="$(date -u -d "$target" +%s)"
  [ ! -e "$data" ] || { log "$data exists: restore into a new directory"; exit 1; }
  # The newest base backup complete before the target.
  for candidate in $(ls -d "$BACKUPS"/base-* 2>/dev/null | grep -v '\.finished$' | sort); do
    finished="$(cat "$candidate.finished" 2>/dev/null || echo 0)"
    [ "$finished" -lt "$target_epoch" ] && base="$candidate"
  done
  [ -n "$base" ] || { log "no base backup older than $target in $BACKUPS"; exit 1; }
  log "restoring $base to $target into $data (port $port)"
  mkdir -p "$data" && chown "$PG_OWNER" "$data" && chmod 0700 "$data"
  as_pg cp -a "$base/." "$data/"
  # Read after postgresql.conf (and the cluster's include): these win. The restored copy
  # must not archive into the live primary's archive, nor listen on the primary's port.
  cat >>"$data/postgresql.auto.conf" <<EOF
# deploy/pitr.sh restore
port = $port
archive_mode = off
restore_command = 'cp $ARCHIVE/%f %p'
recovery_target_time = '$target'
recovery_target_inclusive = off
recovery_target_action = 'promote'
EOF
  rm -f "$data/standby.signal"
  as_pg touch "$data/recovery.signal"
  as_pg "$PGBIN/pg_ctl" -D "$data" -l "$data/restore.log" -o "-p $port" -w -t 120 start >/dev/null
  # Replaying the archive takes a while; ready when promoted (no longer in recovery).
  for _ in $(seq 600); do
    if [ "$("$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAX \
      -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; then
      log "restored and promoted on port $port"
      return 0
    fi
    sleep 0.2
  done
  log "not promoted within 120 s: see $data/restore.log"
  exit 1
}

cmd_stop() {
  local data="${1:?DATA}"
  as_pg "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
}

case "${1:-}" in
  base) cmd_base ;;
  switch) cmd_switch ;;
  restore) shift; cmd_restore "$@" ;;
  stop) cmd_stop "${2:-}" ;;
  *) sed -n '2,24p' "$0"; exit 2 ;;
esac
