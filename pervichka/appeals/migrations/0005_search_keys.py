"""What the citizen tells staff, searchable on the appeal itself (issue 14, point 5).

`search_key` holds the registration number and the citizen's lower-cased full name,
`search_phone` the national 10 digits of the contact and registry phones. Both are filled
here in one UPDATE on every database, and get trigram indexes on PostgreSQL when pg_trgm is
there (created by 0002 when the database user may; otherwise the search scans, as the
text search does).
"""

import logging

from django.db import migrations, models

logger = logging.getLogger(__name__)

INDEXES = [
    ("appeal_search_key_trgm", "appeals_appeal", "search_key"),
    ("appeal_search_phone_trgm", "appeals_appeal", "search_phone"),
]

# Phones are kept in E.164 (+77051234567): the national number is what follows "+7".
NATIONAL = "CASE WHEN {col} LIKE '+7%' THEN substr({col}, 3) ELSE replace({col}, '+', '') END"

FILL = f"""
UPDATE appeals_appeal SET
  search_key = lower(number) || ' ' || COALESCE(
    (SELECT p.search_name FROM people_person p WHERE p.id = appeals_appeal.person_id), ''),
  search_phone = trim(
    {NATIONAL.format(col="contact_phone")} || ' ' || COALESCE(
      (SELECT {NATIONAL.format(col="p.phone")} FROM people_person p
       WHERE p.id = appeals_appeal.person_id), ''))
"""


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(FILL)
        if connection.vendor != "postgresql":
            return
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            logger.warning("pg_trgm is not available: appeal search keys will not be indexed.")
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
        ("appeals", "0004_channel_meeting"),
        ("people", "0002_membership_dues_category"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="search_key",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="appeal",
            name="search_phone",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.RunPython(forwards, backwards),
    ]
