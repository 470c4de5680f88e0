"""A real Celery worker on the real Redis and PostgreSQL of `make test` builds the report."""

import csv
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from exams.statuses import AttemptStatus
from reports.models import ReportJob
from reports.state_machine import JobStatus
from settings.celery import app as celery_app
from tests.factories import AttemptFactory, ExamFactory, UserFactory
from tests.smoke.processes import celery_worker, child_env, wait_until
from tests.smoke.test_worker_redis import _database_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is unset: `make test` starts Redis for this test",
    ),
]

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
END = datetime(2026, 11, 2, 9, 40, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_worker_builds_the_report_with_one_row_per_attempt(course, instructor, tmp_path: Path):
    assert connection.vendor == "postgresql", "needs a database the worker process can share"
    final = ExamFactory(course=course, proctored=True, name="Final")
    practice = ExamFactory(course=course, practice=True, name="Practice")
    expected = []
    for number, status in enumerate(AttemptStatus):
        user = UserFactory(username=f"u{number}", email=f"u{number}@example.com")
        attempt = AttemptFactory(
            exam=final,
            learner=user,
            status=status,
            allowed_seconds=3600,
            started_at=START,
            completed_at=END,
        )
        expected.append(
            [
                user.email,
                "Final",
                attempt.attempt_code,
                "60",
                "false",
                "2026-11-02T09:00:00+00:00",
                "2026-11-02T09:40:00+00:00",
                status.replace("_", " "),
            ]
        )
    sample = AttemptFactory(exam=practice, status=AttemptStatus.SUBMITTED, allowed_seconds=600)
    expected.append(
        [sample.learner.email, "Practice", sample.attempt_code, "10", "true", "", "", "submitted"]
    )
    job = ReportJob.objects.create(
        course=course, requested_by=instructor, created_at=datetime.now(UTC)
    )
    queue = f"reports-{uuid.uuid4().hex}"
    media = tmp_path / "media"
    env = child_env(
        DATABASE_URL=_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        CELERY_BROKER_URL=os.environ.get("CELERY_BROKER_URL") or os.environ["REDIS_URL"],
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(media),
    )
    log = tmp_path / "worker.log"
    with celery_worker("--queues", queue, env=env, log=log) as worker:
        celery_app.send_task("reports.report_build", args=[job.pk], queue=queue)

        def finished() -> bool:
            job.refresh_from_db()
            return job.status in (JobStatus.DONE, JobStatus.FAILED)

        wait_until(finished, timeout=90, process=worker, log=log)

    assert job.status == JobStatus.DONE, job.error
    with (media / job.storage_name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:8] == [
        "user_email",
        "exam_name",
        "attempt_code",
        "allowed_time_limit_mins",
        "is_sample_attempt",
        "started_at",
        "completed_at",
        "status",
    ]
    assert [row[:8] for row in rows[1:]] == expected
    assert (job.rows_done, job.rows_total) == (len(expected), len(expected))
