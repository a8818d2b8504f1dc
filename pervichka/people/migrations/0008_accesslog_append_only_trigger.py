"""The access log is append-only in the database too: on PostgreSQL a trigger refuses every
UPDATE and DELETE of people_accesslog (the model refuses them in Python; this holds for raw
SQL, queryset.update() and queryset.delete() as well). TRUNCATE stays possible: the test
runner's flush uses it, and only the database owner may run it. SQLite (development,
tests) has only the model's refusal."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION people_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'people_accesslog is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS people_accesslog_append_only ON people_accesslog;
CREATE TRIGGER people_accesslog_append_only
    BEFORE UPDATE OR DELETE ON people_accesslog
    FOR EACH ROW EXECUTE FUNCTION people_accesslog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS people_accesslog_append_only ON people_accesslog;
DROP FUNCTION IF EXISTS people_accesslog_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("people", "0007_memberimport_mapping_warnings")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
