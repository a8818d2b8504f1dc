"""Every consent recorded before the register (Person.consent_at/consent_method) becomes a
row of the register, for each purpose the person's records show: a membership, an appeal,
a youth profile, an event, an idea. The other apps' tables are read by name only when they
exist (on a new database they do not, and there is nobody to migrate); a person with a
consent and none of these records keeps only the summary fields (docs/privacy.md)."""

from django.db import migrations

CHANNEL = {"paper": "paper", "electronic": "web", "verbal": "verbal", "imported": "imported"}
# purpose → (table, person column) of the records that show it
SOURCES = {
    "appeals": ("appeals_appeal", "person_id"),
    "youth": ("youth_youngperson", "person_id"),
    "events": ("projects_eventparticipant", "person_id"),
    "ideas": ("ideas_idea", "author_id"),
}


def forwards(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Membership = apps.get_model("people", "Membership")
    Consent = apps.get_model("people", "Consent")
    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    consented = dict(
        Person.objects.filter(consent_at__isnull=False).values_list("pk", "consent_at")
    )
    if not consented:
        return
    methods = dict(
        Person.objects.filter(consent_at__isnull=False).values_list("pk", "consent_method")
    )
    holders = {"membership": set(Membership.objects.values_list("person_id", flat=True))}
    with connection.cursor() as cursor:
        for purpose, (table, column) in SOURCES.items():
            if table in tables:
                cursor.execute(f"SELECT DISTINCT {column} FROM {table}")  # noqa: S608
                holders[purpose] = {row[0] for row in cursor.fetchall()}
    rows = []
    for purpose, person_ids in holders.items():
        for person_id in person_ids & consented.keys():
            rows.append(
                Consent(
                    person_id=person_id,
                    purpose=purpose,
                    channel=CHANNEL.get(methods[person_id], "paper"),
                    given_at=consented[person_id],
                )
            )
    Consent.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("people", "0005_consent_register")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
