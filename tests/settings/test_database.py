"""The database settings: PostgreSQL prepares repeated statements unless told not to."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = "import json, settings.base as s; print(json.dumps(s.DATABASES['default'].get('OPTIONS')))"


def _options(**env: str) -> dict | None:
    environment = {k: v for k, v in os.environ.items() if k != "DB_PREPARED_STATEMENTS"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_binds_on_the_server_and_prepares_repeated_statements():
    options = _options(DATABASE_URL="postgres://exams@127.0.0.1:5432/exams")

    assert options == {"server_side_binding": True, "prepare_threshold": 5}


def test_the_urls_own_options_are_kept():
    options = _options(DATABASE_URL="postgres://exams@db.example/exams?sslmode=verify-full")

    assert options == {
        "sslmode": "verify-full",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


def test_prepared_statements_can_be_turned_off():
    options = _options(
        DATABASE_URL="postgres://exams@127.0.0.1:5432/exams", DB_PREPARED_STATEMENTS="0"
    )

    assert not options


def test_other_databases_get_no_postgresql_options():
    options = _options(DATABASE_URL="mysql://exams@127.0.0.1:3306/exams")

    assert not options or "server_side_binding" not in options


def test_sqlite_keeps_its_own_options(tmp_path):
    options = _options(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert options is not None and "server_side_binding" not in options


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_suite_runs_with_prepared_statements_on_postgresql():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.vendor == "postgresql"
    assert connection.connection.prepare_threshold == 5
