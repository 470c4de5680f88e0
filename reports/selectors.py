"""Reads for reports: the attempts of a course's proctored and practice exams, streamed."""

from collections.abc import Iterator
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, TextField
from django.db.models.functions import Cast

from exams.models import Attempt, Course, ExamType
from proctoring.models import Review
from reports.models import ReportJob

CHUNK = 2000


def result_attempts(course: Course) -> QuerySet[Attempt]:
    return Attempt.objects.filter(
        course=course, exam__exam_type__in=[ExamType.PROCTORED, ExamType.PRACTICE]
    )


def result_rows(course: Course) -> Iterator[tuple[Any, ...]]:
    """One tuple per attempt, in attempt order, fetched in chunks (a server-side cursor on
    PostgreSQL), so memory stays flat however many attempts the course has."""
    return result_rows_query(course).iterator(chunk_size=CHUNK)


def result_rows_query(course: Course) -> QuerySet[Attempt, tuple[Any, ...]]:
    """The query behind result_rows (also what the benchmark runs through COPY)."""
    verdict = (
        Review.objects.filter(attempt=OuterRef("pk"), is_applied=True)
        .order_by("-reviewed_at", "-id")
        .values("verdict")[:1]
    )
    return (
        result_attempts(course)
        .order_by("id")
        .values_list(
            "learner__email",
            "learner__username",
            "exam__name",
            "attempt_code",
            "allowed_seconds",
            "is_sample_attempt",
            Cast("started_at", TextField()),
            Cast("completed_at", TextField()),
            "status",
            "exam__exam_type",
            "taking_as_proctored",
            Subquery(verdict),
            "points_earned",
            "points_possible",
        )
    )


def jobs_for_course(course: Course, *, limit: int = 20) -> list[ReportJob]:
    """The course's latest report jobs, newest first."""
    return list(ReportJob.objects.filter(course=course).order_by("-created_at", "-id")[:limit])
