#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an empty database, in one transaction:
# either everything is restored or nothing is.
#
#   scripts/restore.sh FILE TARGET_DATABASE_URL
#
# Create the target first (createdb pervichka_restored); never restore over the live one.
set -euo pipefail
file="${1:?the backup file}"
url="${2:?the target database URL}"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname "$url" "$file"
echo "restored $file into $url"
