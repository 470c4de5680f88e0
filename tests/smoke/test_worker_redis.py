"""A real Celery worker on the real Redis broker and PostgreSQL of `make test` runs the overdue
sweep. Not a smoke test: it needs the services that the PostgreSQL phase provides."""

import os
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from exams.models import Attempt
from exams.statuses import AttemptStatus
from settings.celery import app as celery_app
from tests.factories import AttemptFactory
from tests.smoke.processes import celery_worker, child_env, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is unset: `make test` starts Redis for this test",
    ),
]


def _database_url() -> str:
    """A URL of the test database (pytest-django's `test_…`, not DATABASE_URL's own)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


@pytest.mark.django_db(transaction=True)
def test_worker_on_redis_expires_an_overdue_attempt(tmp_path: Path) -> None:
    assert connection.vendor == "postgresql", "needs a database the worker process can share"
    attempt = AttemptFactory(started=True, started_at=timezone.now() - timedelta(hours=2))
    # A queue of its own, so that no message left by another test reaches this worker.
    queue = f"smoke-{uuid.uuid4().hex}"
    env = child_env(
        DATABASE_URL=_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        CELERY_BROKER_URL=os.environ.get("CELERY_BROKER_URL") or os.environ["REDIS_URL"],
        VAR_DIR=str(tmp_path / "var"),
    )
    log = tmp_path / "worker.log"
    with celery_worker("--queues", queue, env=env, log=log) as worker:
        # send_task, not apply_async: the test settings run .delay() in-process.
        celery_app.send_task("exams.attempts_expire_overdue", queue=queue)

        def timed_out() -> bool:
            status = Attempt.objects.filter(pk=attempt.pk).values_list("status", flat=True)
            return status.get() == AttemptStatus.TIMED_OUT

        wait_until(timed_out, timeout=60, process=worker, log=log)
    assert "exams.attempts_expire_overdue" in log.read_text(errors="replace")
