"""Submits through HTTP (gunicorn on 127.0.0.1, wrk as the client): submits/s, then the same
requests replayed, which must add no history row and queue no task."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string

from bench import seed
from bench.http import gunicorn, session_cookie, wrk
from exams.models import Answer, Attempt, AttemptTransition, ExamType, Question, QuestionKind
from exams.statuses import AttemptStatus

CONNECTIONS = 16
REPLAY_SECONDS = 5
WARM_UP_JOBS, WARM_UP_SECONDS = 600, 2


def prepare(count: int) -> list[tuple[str, str, int]]:
    """`count` running attempts of a 5-question exam, each with answers saved."""
    course, exams = seed.course_with_exams("course-v1:Bench+Submit+2026", 1)
    exam = exams[0]
    exam.exam_type = ExamType.TIMED
    exam.save()
    questions = [
        Question.objects.create(
            exam=exam,
            kind=QuestionKind.NUMERIC,
            prompt=f"Q{n}",
            numeric_answer=Decimal(n),
            points=Decimal(1),
        )
        for n in range(5)
    ]
    learner_ids = seed.users(count, prefix="submit_")
    seed.enrollments(course, learner_ids)
    now = datetime.now(UTC)
    Attempt.objects.bulk_create(
        (
            Attempt(
                exam=exam,
                course=course,
                learner_id=i,
                status=AttemptStatus.STARTED,
                started_at=now,
                deadline_at=now + timedelta(days=1),
                allowed_seconds=3600,
            )
            for i in learner_ids
        ),
        batch_size=2000,
    )
    attempts = list(Attempt.objects.filter(exam=exam).only("id", "learner_id"))
    Answer.objects.bulk_create(
        (
            Answer(attempt=a, question=q, response=str(q.numeric_answer))
            for a in attempts
            for q in questions
        ),
        batch_size=5000,
    )
    seed.analyze()
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=learner_ids)}
    token = _get_new_csrf_string()
    return [(session_cookie(users[a.learner_id]), token, a.pk) for a in attempts]


def _queued_tasks() -> int:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return int(client.llen("celery"))


def _completed_when_settled(ids: list[int]) -> set[int]:
    """The completed attempts among `ids`, once the submits still in flight when wrk stopped
    have been answered (the count stops moving)."""
    previous: set[int] | None = None
    for _ in range(20):
        done = set(
            Attempt.objects.filter(pk__in=ids, status=AttemptStatus.COMPLETED).values_list(
                "id", flat=True
            )
        )
        if done == previous:
            break
        previous = done
        time.sleep(0.5)
    return done


def _post(
    base: str,
    jobs: list[tuple[str, str, int]],
    seconds: int,
    *,
    until: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """wrk POSTs each job's submit in order for `seconds` (with `once`: until each was answered;
    the same load generator as the poll, so the client takes little of the two cores the server
    runs on)."""
    token = jobs[0][1]
    targets = [
        (f"{cookie}; {settings.CSRF_COOKIE_NAME}={token}", f"/api/v1/attempts/{attempt_id}/submit/")
        for cookie, _, attempt_id in jobs
    ]
    return wrk(
        base,
        targets,
        seconds=seconds,
        connections=CONNECTIONS,
        method="POST",
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
        body="{}",
        once=until is not None,
        until=until,
    )


def run(count: int = 6000, bound_seconds: int = 120) -> dict[str, Any]:
    """Submits of `count` running attempts, each once, after a warm-up on others (the load is
    bounded by count: a fast machine finishes sooner, a slow one within `bound_seconds`); then
    replays of those submitted."""
    jobs = prepare(WARM_UP_JOBS + count)
    ids = [attempt_id for _, _, attempt_id in jobs]
    with gunicorn() as base:
        # Each worker's first requests import code and fill caches, and a statement is
        # prepared on a connection's fifth run: what is measured is the steady state.
        _post(base, jobs[:WARM_UP_JOBS], WARM_UP_SECONDS)
        _completed_when_settled(ids[:WARM_UP_JOBS])  # the warm-up's last answers are in
        jobs = jobs[WARM_UP_JOBS + CONNECTIONS :]  # past any still in flight
        measured = [attempt_id for _, _, attempt_id in jobs]
        # Polled while the server is measured: one indexed count of the exam's completed
        # attempts, not a 6,000-id list.
        completed = Attempt.objects.filter(
            exam_id=Attempt.objects.get(pk=measured[0]).exam_id, status=AttemptStatus.COMPLETED
        )
        target = completed.count() + len(measured)

        def all_submitted() -> bool:
            # wrk may skip a target when it reconnects (gunicorn's sync workers close every
            # connection): at most one per connection is let go.
            return completed.count() >= target - CONNECTIONS

        first = _post(base, jobs, bound_seconds, until=all_submitted)
        submitted = _completed_when_settled(measured)
        # Each answered submit completed an attempt of its own. wrk counts a few more (a
        # connection of a thread that finished sends its last target again) or a few fewer
        # (answers in flight when it was stopped): at most one per connection.
        if abs(first["requests"] - len(submitted)) > CONNECTIONS:
            raise RuntimeError(f"{first['requests']} submits completed {len(submitted)} attempts")
        replays = [job for job in jobs if job[2] in submitted]
        history = AttemptTransition.objects.filter(attempt_id__in=ids).count()
        tasks = _queued_tasks()
        replay = _post(base, replays, REPLAY_SECONDS)
        history_after = AttemptTransition.objects.filter(attempt_id__in=ids).count()
        tasks_after = _queued_tasks()
    return {
        "submits": len(submitted),
        "seconds": first["duration_us"] / 1e6,
        "submits_per_second": len(submitted) / (first["duration_us"] / 1e6),
        "submit_p50_ms": first["p50_ms"],
        "submit_p99_ms": first["p99_ms"],
        "all_200": first["non2xx"] == 0 and first["errors"] == 0,
        "completed": len(submitted),
        "replay_submits": replay["requests"],
        "replay_submits_per_second": replay["requests_per_second"],
        "replay_all_200": replay["non2xx"] == 0 and replay["errors"] == 0,
        "replay_added_history_rows": history_after - history,
        "replay_added_tasks": tasks_after - tasks,
    }
