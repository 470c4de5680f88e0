"""Closing an attempt: how an exam ends (submitted, timed out), with its answers graded."""

from datetime import datetime

from exams.lifecycle.grading import attempts_grade
from exams.lifecycle.history import Actor, transition
from exams.models import Attempt
from exams.statuses import AttemptStatus

S = AttemptStatus

CLOSED_FIELDS = [
    "status",
    "modified",
    "completed_at",
    "points_earned",
    "points_possible",
    "graded_at",
]


def close(
    attempt: Attempt,
    *,
    to: AttemptStatus,
    actor: Actor,
    now: datetime,
    reason: str = "",
    also: tuple[str, ...] = (),
) -> None:
    """Move a locked attempt to completed/timed out, stamp the time, grade it and save (with
    the fields `also` names, changed by the caller, in the same UPDATE)."""
    end(attempt, to=to, actor=actor, now=now, reason=reason)
    attempts_grade([attempt], now=now)
    attempt.save(update_fields=[*CLOSED_FIELDS, *also])


def end(attempt: Attempt, *, to: AttemptStatus, actor: Actor, now: datetime, reason: str) -> None:
    """Record the closing move and its time (a timed-out attempt ends at its deadline)."""
    transition(attempt, to=to, actor=actor, at=now, reason=reason)
    ended_at = now
    if to == S.TIMED_OUT and attempt.deadline_at is not None:
        ended_at = min(now, attempt.deadline_at)
    attempt.completed_at = ended_at
