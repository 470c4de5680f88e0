"""The overdue sweep: 10,000 attempts past their deadline, closed by a real worker running the
beat task (which re-queues itself while a backlog remains). Each must be closed exactly once."""

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db.models import Count

from bench import seed
from bench.procs import celery_worker
from exams.models import Attempt, AttemptTransition, ExamType
from exams.statuses import IN_PROGRESS, AttemptStatus
from settings.celery import app as celery_app


def prepare(count: int) -> list[int]:
    course, exams = seed.course_with_exams("course-v1:Bench+Sweep+2026", 1)
    exam = exams[0]
    exam.exam_type = ExamType.TIMED
    exam.save()
    learner_ids = seed.users(count, prefix="sweep_")
    seed.enrollments(course, learner_ids)
    past = datetime.now(UTC) - timedelta(hours=2)
    Attempt.objects.bulk_create(
        (
            Attempt(
                exam=exam,
                course=course,
                learner_id=learner_id,
                status=AttemptStatus.STARTED,
                started_at=past,
                deadline_at=past + timedelta(hours=1),
                allowed_seconds=3600,
            )
            for learner_id in learner_ids
        ),
        batch_size=2000,
    )
    seed.analyze()
    return list(Attempt.objects.filter(exam=exam).values_list("id", flat=True))


def run(count: int = 10_000) -> dict[str, Any]:
    ids = prepare(count)
    log = Path(tempfile.mkdtemp()) / "worker.log"
    # The default queue: the sweep re-queues itself there while a backlog remains.
    with celery_worker(log) as worker:
        time.sleep(3)
        started = time.perf_counter()
        celery_app.send_task("exams.attempts_expire_overdue")
        while Attempt.objects.filter(pk__in=ids, status__in=IN_PROGRESS).exists():
            if worker.poll() is not None or time.perf_counter() - started > 600:
                raise RuntimeError(f"the sweep stopped or took too long:\n{log.read_text()}")
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    closes = (
        AttemptTransition.objects.filter(attempt_id__in=ids, to_status=AttemptStatus.TIMED_OUT)
        .values("attempt_id")
        .annotate(n=Count("id"))
    )
    per_attempt = [row["n"] for row in closes]
    return {
        "attempts": count,
        "seconds": elapsed,
        "closed_per_second": count / elapsed,
        "closed_exactly_once": len(per_attempt) == count and set(per_attempt) == {1},
    }
