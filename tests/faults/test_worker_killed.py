"""A Celery worker is killed (SIGKILL, its whole process group) in the middle of a report.

The report is built by real workers on a Redis of the test's own and the test database. The
first worker stalls at a known row (tests.faults.stalling_worker) so the kill lands mid-way:
progress recorded, rows written to its temporary file, nothing stored. Then the recovery sweep,
past the stale limit, queues the job again and a healthy worker finishes it; a job whose
workers keep dying is failed with a reason.
"""

import csv
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from exams.models import Attempt
from exams.statuses import AttemptStatus
from reports.models import ReportJob
from reports.services import MAX_TRIES, PROGRESS_EVERY, reports_recover
from reports.state_machine import JobStatus
from tests.factories import AttemptFactory, ExamFactory, UserFactory
from tests.faults.conftest import FAULT_MARKS, test_database_url
from tests.smoke.processes import celery_worker, child_env, running, wait_until

pytestmark = [*FAULT_MARKS, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 30_000
BATCH = 5_000
# Quicker to start, and nothing to talk to: one worker at a time.
WORKER_OPTIONS = ("--without-mingle", "--without-gossip", "--without-heartbeat")


def _attempts_in_bulk(exam, count: int) -> None:
    """`count` verified attempts at `exam`, each by a new learner, in a few bulk inserts."""
    users = get_user_model().objects.bulk_create(
        UserFactory.build_batch(count, password="!"), batch_size=BATCH
    )
    Attempt.objects.bulk_create(
        (
            AttemptFactory.build(exam=exam, learner=user, status=AttemptStatus.VERIFIED)
            for user in users
        ),
        batch_size=BATCH,
    )


@contextmanager
def _stalling_worker(env: dict[str, str], log: Path, *, after: int) -> Iterator[subprocess.Popen]:
    command = [sys.executable, "-m", "tests.faults.stalling_worker", "-A", "settings", "worker"]
    command += ["--pool=solo", "--loglevel=info", *WORKER_OPTIONS]
    with running(command, env={**env, "STALL_AFTER_ROWS": str(after)}, log=log) as worker:
        yield worker


def _kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and everything in its process group; nothing runs a shutdown."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL


def _job_as_listed(client: Client, job: ReportJob) -> dict:
    response = client.get(f"/api/v1/courses/{job.course.course_id}/reports/")
    assert response.status_code == 200
    (listed,) = [item for item in response.json() if item["id"] == job.pk]
    return listed


def _stored_files(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.fixture
def worker_env(own_redis, tmp_path: Path) -> dict[str, str]:
    return child_env(
        DATABASE_URL=test_database_url(),
        REDIS_URL=own_redis.url,
        CELERY_BROKER_URL=own_redis.url,
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )


def test_report_of_a_killed_worker_is_built_again_by_another(
    own_redis, app_on_redis, worker_env, course, instructor, tmp_path: Path
):
    # given a course with 30,000 proctored attempts, and its instructor's report queued
    exam = ExamFactory(course=course, proctored=True, name="Final")
    _attempts_in_bulk(exam, ATTEMPTS)
    media = tmp_path / "media"
    client = Client()
    client.force_login(instructor)
    with app_on_redis(own_redis.url, eager=False):
        response = client.post(f"/api/v1/courses/{course.course_id}/reports/proctored-results/")
        assert response.status_code == 202
        job = ReportJob.objects.select_related("course").get(pk=response.json()["id"])

        # when a worker has written the first 5,000 rows of it and is killed
        log = tmp_path / "killed-worker.log"
        with _stalling_worker(worker_env, log, after=PROGRESS_EVERY) as worker:

            def halfway() -> bool:
                job.refresh_from_db()
                return job.rows_done >= PROGRESS_EVERY

            wait_until(halfway, timeout=40, process=worker, log=log)
            _kill(worker)

        # then the job is not offered: still running, no file, nothing in the storage
        job.refresh_from_db()
        assert (job.status, job.tries, job.rows_done) == (JobStatus.RUNNING, 1, PROGRESS_EVERY)
        assert (job.storage_name, job.file_name) == ("", "")
        listed = _job_as_listed(client, job)
        assert (listed["status"], listed["download_url"]) == (JobStatus.RUNNING, None)
        assert _stored_files(media) == []

        # when the sweep runs past the stale limit, and a healthy worker is there
        later = job.heartbeat_at + timedelta(seconds=settings.REPORTS_STALE_SECONDS + 1)
        assert reports_recover(now=later) == 1
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED
        log = tmp_path / "worker.log"
        with celery_worker(*WORKER_OPTIONS, env=worker_env, log=log) as worker:

            def finished() -> bool:
                job.refresh_from_db()
                return job.status in (JobStatus.DONE, JobStatus.FAILED)

            wait_until(finished, timeout=40, process=worker, log=log)

        # then it is done, once, with every row, and its file is the only one stored
        assert job.status == JobStatus.DONE, job.error
        assert (job.tries, job.rows_done, job.rows_total) == (2, ATTEMPTS, ATTEMPTS)
        assert _stored_files(media) == [job.storage_name]
        listed = _job_as_listed(client, job)
        assert listed["download_url"] is not None
    with (media / job.storage_name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == ATTEMPTS + 1
    assert len({row[2] for row in rows[1:]}) == ATTEMPTS  # one row per attempt code
    assert {row[7] for row in rows[1:]} == {"verified"}


def test_report_whose_workers_keep_dying_is_failed_with_a_reason(
    own_redis, app_on_redis, worker_env, course, instructor, tmp_path: Path
):
    # given a report job, queued by the recovery sweep (as after a lost message)
    exam = ExamFactory(course=course, proctored=True)
    _attempts_in_bulk(exam, 10)
    job = ReportJob.objects.create(
        course=course, requested_by=instructor, created_at=timezone.now()
    )
    with app_on_redis(own_redis.url, eager=False):
        reports_recover(now=timezone.now() + timedelta(seconds=settings.REPORTS_STALE_SECONDS + 1))
        # when MAX_TRIES workers in turn take it and are killed in the middle of it
        for attempt_number in range(1, MAX_TRIES + 1):
            log = tmp_path / f"worker-{attempt_number}.log"
            with _stalling_worker(worker_env, log, after=1) as worker:

                def taken(expected: int = attempt_number) -> bool:
                    job.refresh_from_db()
                    return job.status == JobStatus.RUNNING and job.tries == expected

                wait_until(taken, timeout=30, process=worker, log=log)
                _kill(worker)
            later = job.heartbeat_at + timedelta(seconds=settings.REPORTS_STALE_SECONDS + 1)
            assert reports_recover(now=later) == 1

    # then the sweep gave up on it, with a reason for the person, and stored no file
    job.refresh_from_db()
    assert (job.status, job.tries, job.storage_name) == (JobStatus.FAILED, MAX_TRIES, "")
    assert job.error == "The worker building the report stopped, several times. Try again."
    assert _stored_files(tmp_path / "media") == []
