"""The one engine that moves an attempt along the table of `exams.lifecycle.moves`.

`make` locks the attempt once and reads the clock after the lock (a call that waited for the
lock records the time it acted, so history rows and saved answers never contradict the order
they were made in). `apply` then takes the no-op case first (the move was made already: a retry
or a double click changes nothing), times out a running attempt whose deadline has passed when
the move says so, checks the move and who makes it, and runs the move's effect, which writes
the history row (and queues the status event for after commit) and saves the attempt.
"""

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from exams import timing
from exams.exceptions import ExamClosed, IllegalTransition, NotFound
from exams.lifecycle.closing import close
from exams.lifecycle.history import Actor, transition
from exams.lifecycle.moves import BY_VERB, Effect, Move, Party, sources
from exams.models import Attempt, ExamType
from exams.selectors import allowances_effective, attempt_get_locked
from exams.statuses import IN_PROGRESS


def locked(attempt_id: int) -> Attempt:
    """The attempt, locked for this transaction; NotFound if it is gone."""
    try:
        return attempt_get_locked(attempt_id=attempt_id)
    except Attempt.DoesNotExist:
        raise NotFound(_("This attempt no longer exists.")) from None


def make(
    verb: str,
    *,
    attempt_id: int,
    party: Party,
    actor: Actor,
    now: datetime | None = None,
    reason: str = "",
) -> Attempt:
    """Lock the attempt and make the move named `verb`. The caller holds a transaction."""
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock
    return apply(verb, attempt, party=party, actor=actor, now=now, reason=reason)


def apply(
    verb: str,
    attempt: Attempt,
    *,
    party: Party,
    actor: Actor,
    now: datetime,
    reason: str = "",
    refusal: str | None = None,
) -> Attempt:
    """Make the move named `verb` on a locked attempt, or raise IllegalTransition (with
    `refusal` as its message when given) and change nothing."""
    move = BY_VERB[verb]
    if attempt.status in move.done:
        return attempt
    if move.overdue_times_out and expire_if_overdue(attempt, now):
        return attempt
    if party not in move.parties or attempt.status not in sources(
        move, proctored=attempt.taking_as_proctored
    ):
        raise IllegalTransition(current=attempt.status, target=move.target, message=refusal)
    _EFFECTS[move.effect](attempt, move, actor, now, reason or move.why)
    return attempt


def expire_if_overdue(attempt: Attempt, now: datetime, *, grace_seconds: int = 0) -> bool:
    """Time out a locked, running, overdue attempt (the system's `expire` move). True if it did."""
    if attempt.status not in IN_PROGRESS:
        return False
    if not timing.is_overdue(deadline_at=attempt.deadline_at, now=now, grace_seconds=grace_seconds):
        return False
    apply("expire", attempt, party=Party.SYSTEM, actor=None, now=now)
    return True


def _status_only(attempt: Attempt, move: Move, actor: Actor, now: datetime, reason: str) -> None:
    transition(attempt, to=move.target, actor=actor, at=now, reason=reason)
    attempt.save(update_fields=["status", "modified"])


def _start_clock(attempt: Attempt, move: Move, actor: Actor, now: datetime, reason: str) -> None:
    """Store the deadline once: start + allowed time (time allotted plus allowances), cut at the
    due date; after an error the learner gets the seconds that remained, plus any time granted
    while it was stopped. An open exam (proctored exam taken without proctoring) has no clock."""
    exam = attempt.exam
    fields = ["status", "modified", "deadline_at", "cut_by_due_date", "paused_remaining_seconds"]
    if exam.exam_type != ExamType.PROCTORED or attempt.taking_as_proctored:
        effective = allowances_effective(learner_id=attempt.learner_id, exam=exam, now=now)
        entitled = effective.seconds_for(exam)
        if attempt.paused_remaining_seconds is not None:
            gained = max(0, entitled - (attempt.allowed_seconds or 0))
            seconds = attempt.paused_remaining_seconds + gained
        else:
            seconds = entitled
        if entitled != attempt.allowed_seconds:
            attempt.allowed_seconds = max(entitled, attempt.allowed_seconds or 0)
            fields.append("allowed_seconds")
        end = timing.deadline(start=now, seconds=seconds, due_at=exam.due_at)
        if end.at <= now:
            raise ExamClosed()
        attempt.deadline_at = end.at
        attempt.cut_by_due_date = end.cut_by_due_date
    elif exam.due_at is not None and now >= exam.due_at:
        raise ExamClosed()
    if attempt.started_at is None:
        attempt.started_at = now
        fields.append("started_at")
    resumed = attempt.paused_remaining_seconds is not None
    attempt.paused_remaining_seconds = None
    if resumed and not reason:
        reason = "resumed with the time that remained"
    transition(attempt, to=move.target, actor=actor, at=now, reason=reason)
    attempt.save(update_fields=fields)


def _close(attempt: Attempt, move: Move, actor: Actor, now: datetime, reason: str) -> None:
    close(attempt, to=move.target, actor=actor, now=now, reason=reason)


def _close_at_due_date(
    attempt: Attempt, move: Move, actor: Actor, now: datetime, reason: str
) -> None:
    """Too late to go on: close it at the due date and grade what was saved."""
    attempt.deadline_at = attempt.exam.due_at
    close(attempt, to=move.target, actor=actor, now=now, reason=reason, also=("deadline_at",))


def _pause_clock(attempt: Attempt, move: Move, actor: Actor, now: datetime, reason: str) -> None:
    """Stop a running attempt with the seconds that remained kept for a staff resume. With not a
    whole second left a resume could never start again: the attempt times out instead."""
    running = attempt.status in IN_PROGRESS
    remaining = timing.seconds_remaining(deadline_at=attempt.deadline_at, now=now)
    if running and remaining == 0:
        apply("expire", attempt, party=Party.SYSTEM, actor=None, now=now)
        return
    transition(attempt, to=move.target, actor=actor, at=now, reason=reason)
    fields = ["status", "modified"]
    if running:
        attempt.paused_remaining_seconds = remaining
        attempt.deadline_at = None
        fields += ["paused_remaining_seconds", "deadline_at"]
    attempt.save(update_fields=fields)


_EFFECTS: dict[Effect, Callable[[Attempt, Move, Actor, datetime, str], None]] = {
    Effect.NONE: _status_only,
    Effect.START_CLOCK: _start_clock,
    Effect.CLOSE: _close,
    Effect.CLOSE_AT_DUE_DATE: _close_at_due_date,
    Effect.PAUSE_CLOCK: _pause_clock,
}
