"""Smoke tests of the embedded default that `make run` uses: SQLite and a Celery worker on
kombu's filesystem broker. Each runs the real processes against its own temporary SQLite file
and broker folders, so they pass whatever database the test run itself uses."""

import sqlite3
import sys
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from tests.smoke.processes import (
    celery_worker,
    embedded_env,
    free_port,
    manage,
    running,
    wait_until,
)

pytestmark = pytest.mark.smoke

# Runs in the shell of a `manage.py` child: an attempt whose time ran out an hour ago, then
# the beat's sweep task sent through the configured broker, as the web process would send it.
ENQUEUE_OVERDUE_SWEEP = """
from datetime import timedelta
from django.utils import timezone
from exams.tasks import attempts_expire_overdue_task
from tests.factories import AttemptFactory

attempt = AttemptFactory(started=True, started_at=timezone.now() - timedelta(hours=2))
assert attempt.deadline_at < timezone.now() - timedelta(minutes=30), attempt.deadline_at
attempts_expire_overdue_task.delay()
print("attempt", attempt.pk)
"""


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a fresh embedded install whose SQLite file has been migrated."""
    env = embedded_env(tmp_path_factory.mktemp("embedded"))
    manage("migrate", "--noinput", env=env)
    return env


def test_migrate_and_check_on_a_fresh_sqlite_file(embedded: dict[str, str]) -> None:
    database = Path(embedded["DATABASE_URL"].removeprefix("sqlite:///"))
    assert database.is_file()
    assert "No migrations to apply." in manage("migrate", "--noinput", env=embedded)
    assert "System check identified no issues" in manage("check", env=embedded)


def test_worker_on_the_filesystem_broker_expires_an_overdue_attempt(
    embedded: dict[str, str], tmp_path: Path
) -> None:
    from exams.models import Attempt
    from exams.statuses import AttemptStatus

    log = tmp_path / "worker.log"
    with celery_worker(env=embedded, log=log) as worker:
        output = manage("shell", "-c", ENQUEUE_OVERDUE_SWEEP, env=embedded)
        attempt_id = int(output.split("attempt", 1)[1].split()[0])

        def timed_out() -> bool:
            database = embedded["DATABASE_URL"].removeprefix("sqlite:///")
            with closing(sqlite3.connect(database, timeout=10)) as connection:
                (status,) = connection.execute(
                    f"SELECT status FROM {Attempt._meta.db_table} WHERE id = ?", (attempt_id,)
                ).fetchone()
            return bool(status == AttemptStatus.TIMED_OUT)

        wait_until(timed_out, timeout=60, process=worker, log=log)
    assert "exams.attempts_expire_overdue" in log.read_text(errors="replace")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _get(url: str) -> tuple[int, dict[str, str], str]:
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")


def test_real_server_serves_login_and_guards_admin(
    embedded: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with running(command, env=embedded, log=log) as server:

        def answering() -> bool:
            try:
                _get(f"{base}/accounts/login/")
            except OSError:
                return False
            return True

        wait_until(answering, timeout=60, process=server, log=log)
        status, _, body = _get(f"{base}/accounts/login/")
        assert status == 200, body
        assert 'name="password"' in body

        status, headers, _ = _get(f"{base}/admin/")
        assert status == 302
        assert headers["Location"].startswith("/admin/login/")
