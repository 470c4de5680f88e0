"""An attempt's history: the one way its status changes (checked against the table of moves),
its first row and its moved deadlines."""

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import transaction

from exams import events
from exams.lifecycle.moves import check_transition
from exams.models import Attempt, AttemptTransition, TransitionKind
from exams.statuses import AttemptStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The user who acts; None for the system (the sweeper, a provider callback).
Actor: TypeAlias = "User | None"


def transition(
    attempt: Attempt, *, to: AttemptStatus, actor: Actor, at: datetime, reason: str = ""
) -> None:
    """Check, record and apply one status move. The caller holds the row lock and saves.

    Raises IllegalTransition (and changes nothing) when the move is not in the table.
    """
    previous = attempt.status
    check_transition(previous, to, proctored=attempt.taking_as_proctored)
    _history_row_write(
        attempt=attempt,
        attempt_code=attempt.attempt_code,
        kind=TransitionKind.STATUS,
        from_status=previous,
        to_status=to,
        deadline_at=attempt.deadline_at,
        actor=actor if actor is not None and actor.pk else None,
        at=at,
        reason=reason[:500],
    )
    attempt.status = to
    transaction.on_commit(
        partial(
            events.attempt_status_changed.send,
            sender=Attempt,
            attempt_id=attempt.pk,
            attempt_code=attempt.attempt_code,
            from_status=previous,
            to_status=str(to),
            taking_as_proctored=attempt.taking_as_proctored,
            actor_id=actor.pk if actor is not None else None,
        )
    )


def _history_row_write(**values: Any) -> None:
    AttemptTransition.objects.create(**values)


def record_created(attempt: Attempt, *, actor: Actor, at: datetime, reason: str = "") -> None:
    """Write the first history row of a new attempt."""
    _history_row_write(
        attempt=attempt,
        attempt_code=attempt.attempt_code,
        kind=TransitionKind.STATUS,
        from_status="",
        to_status=AttemptStatus.CREATED,
        actor=actor if actor is not None and actor.pk else None,
        at=at,
        reason=reason,
    )


def record_deadline_change(attempt: Attempt, *, actor: Actor, at: datetime, reason: str) -> None:
    """Write a history row for a moved deadline (status unchanged)."""
    _history_row_write(
        attempt=attempt,
        attempt_code=attempt.attempt_code,
        kind=TransitionKind.DEADLINE,
        from_status=attempt.status,
        to_status=attempt.status,
        deadline_at=attempt.deadline_at,
        actor=actor if actor is not None and actor.pk else None,
        at=at,
        reason=reason[:500],
    )
