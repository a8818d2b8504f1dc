import io

from django.core.management import call_command


def test_no_model_change_lacks_a_migration(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
