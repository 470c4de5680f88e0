"""The learner's attempt in one query: the timer status poll runs it for thousands of learners
every few seconds, and every learner action on an attempt runs it once. Hand-written SQL
(see exams.selectors.rows).
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection

from exams.models import Attempt, Exam
from exams.selectors.rows import RowQuery, Table

# What the learner's views read of an attempt: the status poll's whole row.
LEARNER_ATTEMPT_FIELDS = (
    "id",
    "exam_id",
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
    "paused_remaining_seconds",
    "points_earned",
    "points_possible",
    "graded_at",
)


@cache
def _query(vendor: str, whole_learner: bool) -> RowQuery:
    user = get_user_model()
    attempts = Table.of(Attempt, "a", LEARNER_ATTEMPT_FIELDS)
    exams = Table.of(Exam, "e", ("id", "exam_type", "passing_percent"))
    # What permissions.access_attempt_by_session checks the session against, or the whole row
    # when the learner becomes the request's user.
    checked = None if whole_learner else (user._meta.pk.attname, "password", "is_active")
    learners = Table.of(user, "u", checked)
    return RowQuery.build(
        (attempts, exams, learners),
        f"FROM {attempts.name}"
        f" JOIN {exams.name} ON {exams.column('id')} = {attempts.column('exam_id')}"
        f" JOIN {learners.name}"
        f" ON {learners.column(user._meta.pk.attname)} = {attempts.column('learner_id')}"
        f" WHERE {attempts.column('id')} = %s AND {attempts.column('learner_id')} = %s",
        keys=(attempts.field("id"), attempts.field("learner_id")),
    )


def attempt_of_learner(
    *, attempt_id: int, learner_id: int, whole_learner: bool = False
) -> Attempt | None:
    """The learner's attempt, with its exam's type and pass mark and the learner's password
    hash and active flag (`attempt.exam`, `attempt.learner`: those columns only, or the whole
    user row with `whole_learner`). None when the learner has no such attempt."""
    row = _query(connection.vendor, whole_learner).fetch_one([attempt_id, learner_id])
    if row is None:
        return None
    attempt, exam, learner = row
    assert isinstance(attempt, Attempt) and isinstance(exam, Exam)
    attempt.exam = exam
    attempt.learner = learner  # type: ignore[assignment]
    return attempt
