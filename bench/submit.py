"""Submits through HTTP (gunicorn on 127.0.0.1): submits/s, then the same requests replayed,
which must add no history row and queue no task."""

import http.client
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string

from bench import seed
from bench.http import gunicorn, session_cookie
from exams.models import Answer, Attempt, AttemptTransition, ExamType, Question, QuestionKind
from exams.state_machine import AttemptStatus

THREADS = 16


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


def _post_all(base: str, jobs: list[tuple[str, str, int]]) -> tuple[float, list[int]]:
    url = urlparse(base)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(part: list[tuple[str, str, int]]) -> None:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        for cookie, token, attempt_id in part:
            connection.request(
                "POST",
                f"/api/v1/attempts/{attempt_id}/submit/",
                body=b"{}",
                headers={
                    "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={token}",
                    "X-CSRFToken": token,
                    "Content-Type": "application/json",
                },
            )
            response = connection.getresponse()
            response.read()
            with lock:
                statuses.append(response.status)
        connection.close()

    threads = [threading.Thread(target=worker, args=(jobs[i::THREADS],)) for i in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, statuses


def _queued_tasks() -> int:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return int(client.llen("celery"))


def run(count: int = 3000) -> dict[str, Any]:
    jobs = prepare(count)
    ids = [attempt_id for _, _, attempt_id in jobs]
    with gunicorn() as base:
        seconds, statuses = _post_all(base, jobs)
        history = AttemptTransition.objects.filter(attempt_id__in=ids).count()
        tasks = _queued_tasks()
        replay_seconds, replay_statuses = _post_all(base, jobs)
        history_after = AttemptTransition.objects.filter(attempt_id__in=ids).count()
        tasks_after = _queued_tasks()
    completed = Attempt.objects.filter(pk__in=ids, status=AttemptStatus.COMPLETED).count()
    return {
        "submits": count,
        "seconds": seconds,
        "submits_per_second": count / seconds,
        "all_200": set(statuses) == {200},
        "completed": completed,
        "replay_submits_per_second": count / replay_seconds,
        "replay_all_200": set(replay_statuses) == {200},
        "replay_added_history_rows": history_after - history,
        "replay_added_tasks": tasks_after - tasks,
    }
