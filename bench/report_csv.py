"""The results CSV job on many attempts: rows/s and the worker's peak memory, beside PostgreSQL
`COPY (the same join) TO STDOUT` in the same run."""

import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection

from bench import seed
from bench.procs import celery_worker, peak_rss_mb
from reports.models import ReportJob
from reports.selectors import result_rows_query
from reports.state_machine import JobStatus
from settings.celery import app as celery_app

EXAMS = 10


def prepare(attempts: int) -> Any:
    course, exams = seed.course_with_exams(f"course-v1:Bench+CSV{attempts}+2026", EXAMS)
    learners = seed.users(attempts // EXAMS, prefix=f"csv{attempts}_")
    seed.enrollments(course, learners)
    seed.attempts(exams, learners, per_user=EXAMS)
    seed.analyze()
    return course


def copy_rows_per_second(course: Any) -> tuple[float, int]:
    """The ceiling: the selector's own query, run by COPY ... TO STDOUT and read to the end.

    Run twice, the second one timed: the first reads the rows into the cache, where the job
    (run next) finds them too. Timed cold, after the other cases had filled the cache with
    their own tables, COPY once ran at a third of its speed."""
    sql, params = result_rows_query(course).query.get_compiler("default").as_sql()
    for _ in range(2):
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
        ):
            for _block in copy:
                pass
        elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) AS q", params)
        rows = cursor.fetchone()[0]
    return rows / elapsed, rows


def job_on_worker(course: Any) -> dict[str, float]:
    job = ReportJob.objects.create(course=course, created_at=datetime.now(UTC))
    queue = f"bench-{uuid.uuid4().hex}"
    log = Path(tempfile.mkdtemp()) / "worker.log"
    with celery_worker(log, "--queues", queue) as worker:
        time.sleep(3)  # let the worker connect before the clock starts
        idle_rss = peak_rss_mb(worker.pid)
        started = time.perf_counter()
        celery_app.send_task("reports.report_build", args=[job.pk], queue=queue)
        while True:
            job.refresh_from_db()
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            if worker.poll() is not None or time.perf_counter() - started > 1800:
                raise RuntimeError(f"the worker stopped or took too long:\n{log.read_text()}")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        peak = peak_rss_mb(worker.pid)
    if job.status != JobStatus.DONE:
        raise RuntimeError(f"report failed: {job.error}")
    return {
        "seconds": elapsed,
        "rows": job.rows_done,
        "rows_per_second": job.rows_done / elapsed,
        "peak_rss_mb": peak,
        "idle_rss_mb": idle_rss,
    }


def run(attempts: int = 1_000_000) -> dict[str, Any]:
    course = prepare(attempts)
    copy_rate, copy_rows = copy_rows_per_second(course)
    job = job_on_worker(course)
    return {
        "attempts": attempts,
        "copy_rows_per_second": copy_rate,
        "copy_rows": copy_rows,
        **{f"job_{k}": v for k, v in job.items()},
        "ratio_to_copy": job["rows_per_second"] / copy_rate,
    }
