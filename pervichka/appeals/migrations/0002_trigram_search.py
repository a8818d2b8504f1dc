"""Trigram indexes for the text searches (LIKE '%word%') on PostgreSQL.

SQLite has no such index; there the search scans, which is fine at a district's size. On
PostgreSQL the pg_trgm extension is needed: the migration creates it if the database user
may, and otherwise skips the indexes with a warning (docs/deployment.md says how to add
them by hand), so that a migration never fails for want of a privilege.
"""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)

INDEXES = [
    ("appeal_search_trgm", "appeals_appeal", "search_text"),
    ("person_search_name_trgm", "people_person", "search_name"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT pervichka_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - no privilege: skip, the search still works
            cursor.execute("ROLLBACK TO SAVEPOINT pervichka_trgm")
            logger.warning("pg_trgm is not available: text search will not be indexed.")
            return
        for name, table, column in INDEXES:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin ("{column}" gin_trgm_ops)'
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _column in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0001_initial"),
        ("people", "0002_membership_dues_category"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
