"""The instructor's attempt list at 100,000 attempts: latency and queries of first page, last
page, a username-prefix search and an e-mail search."""

import statistics
import time
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import seed
from bench.http import session_cookie
from exams.models import CourseRole, RoleName
from tests.factories import UserFactory

REPEAT = 30


def prepare(attempts: int) -> tuple[Any, Client]:
    """The measured course, then a newer course as large: the measured course's attempts are
    neither the newest rows of the table nor (after the poll case) the oldest."""
    course, exams = seed.course_with_exams(f"course-v1:Bench+List{attempts}+2026", 10)
    learners = seed.users(attempts // 10, prefix="list_")
    seed.enrollments(course, learners)
    seed.attempts(exams, learners, per_user=10)
    _, newer_exams = seed.course_with_exams(f"course-v1:Bench+Newer{attempts}+2026", 10)
    seed.attempts(newer_exams, learners, per_user=10)
    seed.analyze()
    instructor = UserFactory(username="bench_instructor", email="bench_instructor@example.com")
    CourseRole.objects.create(user=instructor, course=course, role=RoleName.INSTRUCTOR)
    client = Client(HTTP_HOST="127.0.0.1")
    name, value = session_cookie(instructor).split("=", 1)
    client.cookies[name] = value
    return course, client


def _measure(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    timings = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return {
        "p50_ms": statistics.median(timings),
        "max_ms": max(timings),
        "queries": len(captured),
        "count": response.json()["count"],
    }


def run(attempts: int = 100_000) -> dict[str, Any]:
    course, client = prepare(attempts)
    base = f"/api/v1/courses/{course.course_id}/attempts/"
    pages = -(-attempts // 25)
    return {
        "attempts": attempts,
        "first_page": _measure(client, base),
        "middle_page": _measure(client, f"{base}?page={(pages + 1) // 2}"),
        "last_page": _measure(client, f"{base}?page={pages}"),
        "search_username_prefix": _measure(client, f"{base}?q=list_00042"),
        "search_email": _measure(client, f"{base}?q=list_0004217@example.com"),
    }
