"""The timer status poll under load, beside a bare one-row Django view served the same way."""

import statistics
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import seed
from bench.http import gunicorn, session_cookie, wrk
from exams.models import Attempt, ExamType
from exams.statuses import AttemptStatus

LEARNERS = 1000
ROUNDS = 5
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


def _combined(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One figure of several wrk runs: requests over their whole time, and at each percentile
    the median of the runs' latencies."""
    requests = sum(r["requests"] for r in runs)
    duration_us = sum(r["duration_us"] for r in runs)
    points = [p for p, _ in runs[0]["percentiles_ms"]]
    return {
        "requests": requests,
        "duration_us": duration_us,
        "requests_per_second": requests / (duration_us / 1e6),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "non2xx": sum(r["non2xx"] for r in runs),
        "percentiles_ms": [
            [p, statistics.median(r["percentiles_ms"][i][1] for r in runs)]
            for i, p in enumerate(points)
        ],
    }


def run(seconds: int = 15) -> dict[str, Any]:
    """The bare view and the poll in ROUNDS alternating runs of seconds/ROUNDS each, so that
    a change in the machine's speed while they run reaches both alike."""
    pairs = prepare()
    poll_targets = [(cookie, f"/api/v1/attempts/{attempt_id}/") for cookie, attempt_id in pairs]
    bare_targets = [("", f"/bench/bare/{attempt_id}/") for _, attempt_id in pairs]
    each = max(1, round(seconds / ROUNDS))
    bare_runs, poll_runs = [], []
    with gunicorn() as base:
        wrk(base, bare_targets[:50], seconds=3)  # warm up both
        wrk(base, poll_targets[:50], seconds=3)
        for _ in range(ROUNDS):
            bare_runs.append(wrk(base, bare_targets, seconds=each))
            poll_runs.append(wrk(base, poll_targets, seconds=each))
    bare, poll = _combined(bare_runs), _combined(poll_runs)
    return {
        "bare": bare,
        "poll": poll,
        "ratio": poll["requests_per_second"] / bare["requests_per_second"],
        "ratio_by_round": [
            p["requests_per_second"] / b["requests_per_second"]
            for b, p in zip(bare_runs, poll_runs, strict=True)
        ],
        "queries_per_poll": queries_per_poll(*pairs[0]),
    }
