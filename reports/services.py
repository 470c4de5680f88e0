"""Report jobs: request, retry, build (streamed, atomic), recover from dead workers, purge."""

import logging
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams.broker import enqueue
from exams.exceptions import Conflict, NotFound
from exams.models import Course
from reports import csv_format
from reports.models import ReportJob
from reports.selectors import result_attempts, result_rows
from reports.state_machine import PENDING, JobStatus, check_transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)
J = JobStatus

PROGRESS_EVERY = 5000
MAX_TRIES = 3


def _enqueue(job_id: int) -> None:
    # If not queued now, the recovery sweep queues it again later.
    enqueue("reports.report_build", job_id, what=f"report job {job_id}")


def _move(job: ReportJob, to: JobStatus) -> None:
    check_transition(job.status, to)
    job.status = to


@transaction.atomic
def report_request(*, course: Course, user: "User", now: datetime | None = None) -> ReportJob:
    """Queue a proctored exam results report for the course and return at once.

    A report already queued or running for the course is returned instead of a second one.
    """
    now = now or timezone.now()
    Course.objects.select_for_update().filter(pk=course.pk).first()  # serialise requests
    pending = ReportJob.objects.filter(course=course, status__in=PENDING).first()
    if pending is not None:
        return pending
    job = ReportJob.objects.create(course=course, requested_by=user, created_at=now)
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


@transaction.atomic
def report_retry(*, job_id: int, now: datetime | None = None) -> ReportJob:
    """Queue a failed report again."""
    job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such report."))
    if job.status in PENDING:
        return job
    if job.status != J.FAILED:
        raise Conflict(_("Only a failed report can be retried."))
    _move(job, J.QUEUED)
    job.tries = 0
    job.error = ""
    job.rows_done = 0
    job.save(update_fields=["status", "tries", "error", "rows_done"])
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _claim(job_id: int, now: datetime) -> ReportJob | None:
    """Take the job for this worker, or None if it is done, failed, or another worker has it."""
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update().select_related("course").filter(pk=job_id).first()
        )
        if job is None or job.status in (J.DONE, J.FAILED):
            return None
        if job.status == J.RUNNING and not _is_stale(job, now):
            return None
        if job.status == J.RUNNING:
            _move(job, J.QUEUED)
        _move(job, J.RUNNING)
        job.tries += 1
        job.started_at = now
        job.heartbeat_at = now
        job.rows_done = 0
        job.save(update_fields=["status", "tries", "started_at", "heartbeat_at", "rows_done"])
        return job


def _is_stale(job: ReportJob, now: datetime) -> bool:
    limit = timedelta(seconds=settings.REPORTS_STALE_SECONDS)
    return job.heartbeat_at is None or now - job.heartbeat_at > limit


def report_build(*, job_id: int) -> ReportJob | None:
    """Build the CSV: stream the rows into a temporary file, then store it and mark the job done
    in one step, so a half-written file is never offered.

    Safe to run twice: a job that is done, failed, or being built by a live worker is left alone.
    """
    job = _claim(job_id, timezone.now())
    if job is None:
        return None
    try:
        storage_name = _write(job)
    except Exception as error:
        log.exception("report job %s failed", job.pk)
        return _fail(job.pk, f"The report could not be built ({type(error).__name__}).")
    return _finish(job.pk, storage_name)


def _write(job: ReportJob) -> str:
    total = result_attempts(job.course).count()
    ReportJob.objects.filter(pk=job.pk).update(rows_total=total)
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as out:
        written = csv_format.write_csv(_with_progress(job.pk, result_rows(job.course)), out)
        out.seek(0)
        name = f"reports/{job.course_id}/{job.pk}-{uuid.uuid4().hex}.csv"
        stored = default_storage.save(name, File(out))
    ReportJob.objects.filter(pk=job.pk).update(rows_done=written, rows_total=written)
    return stored


def _with_progress(job_id: int, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Pass rows through, recording progress (and a heartbeat) every few thousand."""
    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            ReportJob.objects.filter(pk=job_id).update(rows_done=done, heartbeat_at=timezone.now())
        yield row


def _finish(job_id: int, storage_name: str) -> ReportJob | None:
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().select_related("course").get(pk=job_id)
        if job.status != J.RUNNING:  # someone else finished or failed it meanwhile
            default_storage.delete(storage_name)
            return job
        now = timezone.now()
        _move(job, J.DONE)
        job.storage_name = storage_name
        # Named for when it was requested (what the person asked for), not when it was built.
        job.file_name = csv_format.file_name(job.course.course_id, job.created_at)
        job.finished_at = now
        job.save(update_fields=["status", "storage_name", "file_name", "finished_at"])
        return job


def _fail(job_id: int, reason: str) -> ReportJob:
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.status == J.RUNNING:
            _move(job, J.FAILED)
            job.error = reason
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
        return job


def reports_recover(*, now: datetime | None = None) -> int:
    """Requeue jobs whose worker died (no heartbeat) or whose message was lost; fail a job that
    died too often. Returns how many jobs it touched."""
    now = now or timezone.now()
    touched = 0
    stale_before = now - timedelta(seconds=settings.REPORTS_STALE_SECONDS)
    candidates = ReportJob.objects.filter(
        status__in=PENDING, created_at__lt=stale_before
    ).values_list("id", flat=True)[:100]
    for job_id in list(candidates):
        with transaction.atomic():
            job = ReportJob.objects.select_for_update().get(pk=job_id)
            if job.status == J.RUNNING and not _is_stale(job, now):
                continue
            if job.status == J.RUNNING and job.tries >= MAX_TRIES:
                _move(job, J.FAILED)
                job.error = "The worker building the report stopped, several times. Try again."
                job.finished_at = now
                job.save(update_fields=["status", "error", "finished_at"])
            else:
                if job.status == J.RUNNING:
                    _move(job, J.QUEUED)
                    job.save(update_fields=["status"])
                transaction.on_commit(partial(_enqueue, job.pk))
            touched += 1
    return touched


def reports_purge(*, now: datetime | None = None) -> int:
    """Delete report files (and their jobs) older than the retention period."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REPORTS_RETENTION_DAYS)
    old = list(ReportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=PENDING))
    for job in old:
        if job.storage_name:
            default_storage.delete(job.storage_name)
        job.delete()
    return len(old)
