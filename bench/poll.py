"""The timer status poll under load, beside a bare one-row Django view served the same way."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import seed
from bench.http import gunicorn, session_cookie, wrk
from exams.models import Attempt, ExamType
from exams.state_machine import AttemptStatus

LEARNERS = 1000
# The course's attempts in all, the pollers' included (as the issue sets it: 100,000).
COURSE_ATTEMPTS = 100_000
EXAMS = 10


def prepare() -> list[tuple[str, int]]:
    """A course of COURSE_ATTEMPTS attempts in which LEARNERS learners each have a running
    attempt of a timed exam; returns their (cookie, attempt id) pairs."""
    course, exams = seed.course_with_exams("course-v1:Bench+Poll+2026", EXAMS)
    exam = exams[0]
    exam.exam_type = ExamType.TIMED
    exam.save()
    others = seed.users((COURSE_ATTEMPTS - LEARNERS) // EXAMS, prefix="poll_other_")
    seed.enrollments(course, others)
    seed.attempts(exams, others, per_user=EXAMS)
    learner_ids = seed.users(LEARNERS, prefix="poll_learner_")
    seed.enrollments(course, learner_ids)
    now = datetime.now(UTC)
    Attempt.objects.bulk_create(
        Attempt(
            exam=exam,
            course=course,
            learner_id=learner_id,
            status=AttemptStatus.STARTED,
            started_at=now,
            deadline_at=now + timedelta(days=1),
            allowed_seconds=3600,
        )
        for learner_id in learner_ids
    )
    seed.analyze()
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=learner_ids)}
    return [
        (session_cookie(users[a.learner_id]), a.pk)
        for a in Attempt.objects.filter(exam=exam, learner_id__in=learner_ids).only(
            "id", "learner_id"
        )
    ]


def queries_per_poll(cookie: str, attempt_id: int) -> int:
    client = Client(HTTP_HOST="127.0.0.1")
    name, value = cookie.split("=", 1)
    client.cookies[name] = value
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/attempts/{attempt_id}/")
    assert response.status_code == 200, response.content
    return len(captured)


def run(seconds: int = 15) -> dict[str, Any]:
    pairs = prepare()
    poll_targets = [(cookie, f"/api/v1/attempts/{attempt_id}/") for cookie, attempt_id in pairs]
    bare_targets = [("", f"/bench/bare/{attempt_id}/") for _, attempt_id in pairs]
    with gunicorn() as base:
        wrk(base, bare_targets[:50], seconds=3)  # warm up both
        wrk(base, poll_targets[:50], seconds=3)
        bare = wrk(base, bare_targets, seconds=seconds)
        poll = wrk(base, poll_targets, seconds=seconds)
    return {
        "bare": bare,
        "poll": poll,
        "ratio": poll["requests_per_second"] / bare["requests_per_second"],
        "queries_per_poll": queries_per_poll(*pairs[0]),
    }
