"""Two indexes for the outreach segments' count (issue 17): persons by unit and date of
birth, covering the sex, the village and the id; and the active memberships by person. A
segment of 100,000 people is then counted from the indexes alone instead of reading every
person's row (bench/NOTES.md, "Segment count (branch segment-speed)").

On PostgreSQL they are built CONCURRENTLY (a million persons take seconds; writes go on
meanwhile) and IF NOT EXISTS, so that a database where they were created by hand with the
same statements migrates without a second copy. Elsewhere they are the ordinary indexes of
the models' Meta (SQLite has no INCLUDE: its index holds the unit and the date).
"""

from django.db import migrations, models

PERSON_INDEX = models.Index(
    fields=["unit", "birth_date"], include=["sex", "settlement", "id"], name="person_unit_born"
)
MEMBERSHIP_INDEX = models.Index(
    fields=["person"], condition=models.Q(status="active"), name="membership_active_person"
)
POSTGRESQL = [
    (
        PERSON_INDEX.name,
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "person_unit_born" ON "people_person" '
        '("unit_id", "birth_date") INCLUDE ("sex", "settlement_id", "id")',
    ),
    (
        MEMBERSHIP_INDEX.name,
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "membership_active_person" '
        """ON "people_membership" ("person_id") WHERE "status" = 'active'""",
    ),
]
INDEXES = [("Person", PERSON_INDEX), ("Membership", MEMBERSHIP_INDEX)]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _name, sql in POSTGRESQL:
            schema_editor.execute(sql)
        return
    for model, index in INDEXES:
        schema_editor.add_index(apps.get_model("people", model), index)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _sql in POSTGRESQL:
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
        return
    for model, index in INDEXES:
        schema_editor.remove_index(apps.get_model("people", model), index)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("people", "0010_consent_representative"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="person", index=PERSON_INDEX),
                migrations.AddIndex(model_name="membership", index=MEMBERSHIP_INDEX),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
