#!/usr/bin/env bash
# Back up the PostgreSQL database to one file (pg_dump's custom format: compressed,
# restorable table by table).
#
#   scripts/backup.sh [DATABASE_URL] [FILE]
#
# DATABASE_URL defaults to the environment's; FILE to backups/pervichka-<date-time>.dump.
# Run it from cron every night and copy the file off the machine.
set -euo pipefail
url="${1:-${DATABASE_URL:?set DATABASE_URL or pass it}}"
file="${2:-backups/pervichka-$(date +%Y%m%d-%H%M%S).dump}"
mkdir -p "$(dirname "$file")"
pg_dump --format=custom --no-owner --no-privileges --file "$file" "$url"
echo "$file"
