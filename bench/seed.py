"""A fast bulk loader for benchmarks: users, enrollments and attempts through PostgreSQL COPY."""

import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from django.db import connection

from exams.models import Course, Exam, ExamType
from exams.statuses import AttemptStatus

STATUSES = [s.value for s in AttemptStatus]
EPOCH = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _copy(table: str, columns: list[str], rows: Iterator[list[object]]) -> int:
    """COPY rows into a table in batches; return how many."""
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def course_with_exams(course_id: str, exams: int) -> tuple[Course, list[Exam]]:
    course, _ = Course.objects.get_or_create(
        course_id=course_id,
        defaults={
            "name": "Benchmark course",
            "proctored_exams_enabled": True,
            "proctoring_provider": "null",
        },
    )
    made = [
        Exam.objects.create(
            course=course,
            name=f"Exam {n}",
            exam_type=(ExamType.PRACTICE if n % 5 == 4 else ExamType.PROCTORED),
            time_limit_minutes=60,
        )
        for n in range(exams)
    ]
    return course, made


def users(count: int, prefix: str) -> list[int]:
    """Create `count` users (unusable passwords) and return their ids."""
    now = datetime.now(UTC)
    _copy(
        "auth_user",
        [
            "username",
            "email",
            "password",
            "first_name",
            "last_name",
            "is_staff",
            "is_active",
            "is_superuser",
            "date_joined",
        ],
        (
            [
                f"{prefix}{n:07d}",
                f"{prefix}{n:07d}@example.com",
                "!",
                "",
                "",
                False,
                True,
                False,
                now,
            ]
            for n in range(count)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM auth_user WHERE username LIKE %s ORDER BY id", [f"{prefix}%"]
        )
        return [row[0] for row in cursor.fetchall()]


def attempts(exams: list[Exam], user_ids: list[int], per_user: int) -> int:
    """Attempts: each user at `per_user` of the exams, statuses spread over every status."""
    now = datetime.now(UTC)

    def rows() -> Iterator[list[object]]:
        for index, user_id in enumerate(user_ids):
            for k in range(per_user):
                exam = exams[(index + k) % len(exams)]
                status = STATUSES[(index * 7 + k) % len(STATUSES)]
                started = EPOCH + timedelta(seconds=index % 86_400)
                yield [
                    exam.pk,
                    exam.course_id,
                    user_id,
                    status,
                    secrets.token_hex(16).upper(),
                    exam.exam_type == ExamType.PROCTORED,
                    exam.exam_type == ExamType.PRACTICE,
                    started,
                    now + timedelta(days=1),  # running ones are not for the sweeper
                    started + timedelta(minutes=50),
                    3600,
                    False,
                    "",
                    "",
                    now,
                    now,
                ]

    return _copy(
        "exams_attempt",
        [
            "exam_id",
            "course_id",
            "learner_id",
            "status",
            "attempt_code",
            "taking_as_proctored",
            "is_sample_attempt",
            "started_at",
            "deadline_at",
            "completed_at",
            "allowed_seconds",
            "cut_by_due_date",
            "external_id",
            "language",
            "created",
            "modified",
        ],
        rows(),
    )


def enrollments(course: Course, user_ids: list[int], mode: str = "verified") -> int:
    now = datetime.now(UTC)
    return _copy(
        "exams_enrollment",
        ["user_id", "course_id", "mode", "is_active", "created", "modified"],
        ([user_id, course.pk, mode, True, now, now] for user_id in user_ids),
    )


def analyze() -> None:
    """Statistics and the visibility map, as autovacuum leaves a table in service: a freshly
    loaded table has neither, so index-only scans would still read every row.

    VACUUM cannot mark rows visible while another transaction (autovacuum's own ANALYZE of
    the rows just loaded, say) holds an older snapshot, so it runs again until every page of
    the app's tables is marked, a few times at most.
    """
    with connection.cursor() as cursor:
        for _ in range(5):
            cursor.execute("VACUUM ANALYZE")
            cursor.execute(
                "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE 'exams_%'"
                " AND relallvisible < relpages"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(1)
