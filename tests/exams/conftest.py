"""Fixtures for the exams tests: attempts arranged in any status."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from exams.lifecycle.history import record_created
from exams.models import Attempt, ExamType
from exams.statuses import FINISHED, IN_PROGRESS, AttemptStatus
from tests.factories import AttemptFactory, ExamFactory

S = AttemptStatus

# Where the arranged attempts stand on the `now` fixture's clock.
STARTED_AGO = timedelta(minutes=10)
ENDED_AGO = timedelta(minutes=5)
TIME_LIMIT_MINUTES = 60
PAUSED_REMAINING_SECONDS = 3000


@pytest.fixture
def attempt_in(course, learner, now) -> Callable[..., Attempt]:
    """Make an attempt in `status` with the fields that status implies at `now`.

    proctored=True: a proctored exam taken with proctoring. proctored=False: a timed exam, or
    (for `declined`) a proctored exam the learner opted out of. A running attempt began 10
    minutes before `now` and has 50 minutes left; a finished one ended 5 minutes before `now`;
    an `error` attempt stopped while running with 3000 seconds left. Its first history row is
    written, as attempt_create would.
    """

    def make(status: str, *, proctored: bool = True, **overrides: Any) -> Attempt:
        status = S(status)
        exam = overrides.pop("exam", None)
        if exam is None:
            exam_type = ExamType.PROCTORED if proctored or status == S.DECLINED else ExamType.TIMED
            exam = ExamFactory(
                course=course, exam_type=exam_type, time_limit_minutes=TIME_LIMIT_MINUTES
            )
        fields: dict[str, Any] = {
            "exam": exam,
            "learner": overrides.pop("learner", learner),
            "status": status,
            "taking_as_proctored": proctored,
        }
        if status in IN_PROGRESS | FINISHED or status == S.ERROR:
            started_at = now - STARTED_AGO
            fields.update(
                started_at=started_at,
                allowed_seconds=TIME_LIMIT_MINUTES * 60,
                deadline_at=started_at + timedelta(minutes=TIME_LIMIT_MINUTES),
            )
        if status in FINISHED:
            fields["completed_at"] = now - ENDED_AGO
        if status == S.ERROR:
            fields.update(deadline_at=None, paused_remaining_seconds=PAUSED_REMAINING_SECONDS)
        fields.update(overrides)
        attempt = AttemptFactory(**fields)
        record_created(attempt, actor=None, at=now - STARTED_AGO - timedelta(minutes=1))
        return attempt

    return make
