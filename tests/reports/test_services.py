"""Report jobs: building the file, running twice, failing, recovering, purging."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from exams.statuses import AttemptStatus as S
from reports import services
from reports.models import ReportJob
from reports.state_machine import JobStatus as J
from tests.factories import AttemptFactory, ExamFactory, UserFactory

pytestmark = pytest.mark.django_db


def read(job):
    with default_storage.open(job.storage_name, "r") as handle:
        return list(csv.DictReader(io.StringIO(handle.read())))


def test_built_report_has_one_row_per_proctored_and_practice_attempt(course, instructor):
    proctored = ExamFactory(course=course, proctored=True, name="Final")
    practice = ExamFactory(course=course, practice=True, name="Practice")
    timed = ExamFactory(course=course, name="Midterm")
    for status in (S.CREATED, S.READY_TO_START, S.TIMED_OUT, S.VERIFIED, S.REJECTED, S.ERROR):
        AttemptFactory(exam=proctored, status=status)
    AttemptFactory(exam=practice, status=S.SUBMITTED)
    AttemptFactory(exam=timed, status=S.COMPLETED)
    job = services.report_request(course=course, user=instructor)

    done = services.report_build(job_id=job.pk)

    assert done.status == J.DONE
    assert (done.rows_done, done.rows_total) == (7, 7)
    rows = read(done)
    assert [r["status"] for r in rows] == [
        "created",
        "ready to start",
        "timed out",
        "verified",
        "rejected",
        "error",
        "submitted",
    ]
    assert [r["is_sample_attempt"] for r in rows] == ["false"] * 6 + ["true"]
    assert done.file_name.startswith(f"{course.course_id}_proctored_exam_results_report_")


def test_second_run_of_a_finished_job_changes_nothing(course, instructor):
    job = services.report_request(course=course, user=instructor)
    first = services.report_build(job_id=job.pk)

    second = services.report_build(job_id=job.pk)

    assert second is None
    job.refresh_from_db()
    assert job.storage_name == first.storage_name
    assert job.tries == 1


def test_a_job_being_built_by_a_live_worker_is_left_alone(course, instructor):
    job = services.report_request(course=course, user=instructor)
    ReportJob.objects.filter(pk=job.pk).update(status=J.RUNNING, heartbeat_at=timezone.now())

    assert services.report_build(job_id=job.pk) is None


def test_request_while_one_is_pending_returns_the_pending_one(course, instructor):
    first = services.report_request(course=course, user=instructor)

    second = services.report_request(course=course, user=instructor)

    assert second.pk == first.pk
    assert ReportJob.objects.count() == 1


def test_failed_build_is_failed_with_a_reason_and_no_file(course, instructor, monkeypatch):
    job = services.report_request(course=course, user=instructor)

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services.csv_format, "write_csv", explode)
    failed = services.report_build(job_id=job.pk)

    assert failed.status == J.FAILED
    assert failed.error == "The report could not be built (OSError)."
    assert failed.storage_name == ""


def test_failed_job_can_be_retried(course, instructor):
    job = services.report_request(course=course, user=instructor)
    ReportJob.objects.filter(pk=job.pk).update(status=J.FAILED, error="x")

    retried = services.report_retry(job_id=job.pk)
    built = services.report_build(job_id=job.pk)

    assert retried.status == J.QUEUED
    assert built.status == J.DONE


def test_job_whose_worker_died_is_queued_again_then_built(course, instructor):
    job = services.report_request(course=course, user=instructor)
    long_ago = timezone.now() - timedelta(minutes=30)
    ReportJob.objects.filter(pk=job.pk).update(
        status=J.RUNNING, heartbeat_at=long_ago, created_at=long_ago, tries=1
    )

    touched = services.reports_recover()
    built = services.report_build(job_id=job.pk)

    assert touched == 1
    assert built.status == J.DONE
    assert built.tries == 2


def test_job_that_died_too_often_is_failed_not_stuck(course, instructor):
    job = services.report_request(course=course, user=instructor)
    long_ago = timezone.now() - timedelta(minutes=30)
    ReportJob.objects.filter(pk=job.pk).update(
        status=J.RUNNING, heartbeat_at=long_ago, created_at=long_ago, tries=3
    )

    services.reports_recover()

    job.refresh_from_db()
    assert job.status == J.FAILED
    assert "stopped" in job.error


def test_old_reports_are_purged_with_their_files(course, instructor):
    job = services.report_build(job_id=services.report_request(course=course, user=instructor).pk)
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=31))

    purged = services.reports_purge()

    assert purged == 1
    assert not default_storage.exists(job.storage_name)
    assert ReportJob.objects.count() == 0


def test_learner_emails_and_times_are_in_the_file(course, instructor):
    exam = ExamFactory(course=course, proctored=True, name="Final")
    learner = UserFactory(username="zed", email="zed@example.com")
    AttemptFactory(
        exam=exam,
        learner=learner,
        status=S.COMPLETED,
        allowed_seconds=5400,
        started_at=timezone.now(),
        completed_at=timezone.now(),
    )

    job = services.report_build(job_id=services.report_request(course=course, user=instructor).pk)

    row = read(job)[0]
    assert row["user_email"] == "zed@example.com"
    assert row["allowed_time_limit_mins"] == "90"
    assert row["started_at"].endswith("+00:00")
