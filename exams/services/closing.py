"""Closing an attempt: the one way an exam ends (submit, time out), with its answers graded."""

from datetime import datetime
from functools import cache

from django.db import connection

from exams import timing
from exams.models import Attempt
from exams.services.answers import attempts_grade
from exams.services.history import Actor, transition
from exams.services.rows import RowUpdate
from exams.state_machine import IN_PROGRESS, AttemptStatus

S = AttemptStatus

CLOSED_FIELDS = [
    "status",
    "modified",
    "completed_at",
    "points_earned",
    "points_possible",
    "graded_at",
]


def expire_if_overdue(attempt: Attempt, now: datetime, *, grace_seconds: int = 0) -> bool:
    """Time out a locked, running, overdue attempt. True if it did."""
    if attempt.status not in IN_PROGRESS:
        return False
    if not timing.is_overdue(deadline_at=attempt.deadline_at, now=now, grace_seconds=grace_seconds):
        return False
    close(attempt, to=S.TIMED_OUT, actor=None, now=now, reason="deadline passed")
    return True


def close(
    attempt: Attempt, *, to: AttemptStatus, actor: Actor, now: datetime, reason: str = ""
) -> None:
    """Move a locked attempt to completed/timed out, stamp the time, grade it and save."""
    end(attempt, to=to, actor=actor, now=now, reason=reason)
    attempts_grade([attempt], now=now)
    _closed_columns(connection.vendor).run(attempt)


@cache
def _closed_columns(vendor: str) -> RowUpdate:
    """`attempt.save(update_fields=CLOSED_FIELDS)`, by SQL written once: every submit runs it
    (see exams.services.rows)."""
    return RowUpdate.of(Attempt, CLOSED_FIELDS)


def end(attempt: Attempt, *, to: AttemptStatus, actor: Actor, now: datetime, reason: str) -> None:
    """Record the closing move and its time (a timed-out attempt ends at its deadline)."""
    transition(attempt, to=to, actor=actor, at=now, reason=reason)
    ended_at = now
    if to == S.TIMED_OUT and attempt.deadline_at is not None:
        ended_at = min(now, attempt.deadline_at)
    attempt.completed_at = ended_at
