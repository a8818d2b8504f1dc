"""A backup restores into a fresh database with the same rows in every table."""

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.appeals.conftest import office as office  # a fixture
from tests.appeals.conftest import register as register  # a fixture
from tests.factories import MembershipFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


def _url(db, name: str) -> str:
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_backup_and_restore_give_the_same_row_counts(tree, member_a, member_b, register, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("backup.sh and restore.sh are for PostgreSQL: run with DATABASE_URL set")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    for _ in range(5):
        MembershipFactory(primary=tree.primary_a)
    register()
    db = connection.settings_dict
    source = _url(db, db["NAME"])
    target_name = f"{db['NAME']}_restored"
    admin = _url(db, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        conn.execute(f'CREATE DATABASE "{target_name}"')
    try:
        dump = tmp_path / "backup.dump"
        subprocess.run(
            [str(ROOT / "scripts/backup.sh"), source, str(dump)], check=True, capture_output=True
        )
        assert dump.stat().st_size > 0
        subprocess.run(
            [str(ROOT / "scripts/restore.sh"), str(dump), _url(db, target_name)],
            check=True,
            capture_output=True,
        )
        original, restored = _counts(source), _counts(_url(db, target_name))
        assert restored == original
        assert original["people_person"] >= 8
        assert original["appeals_appeal"] == 1
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
