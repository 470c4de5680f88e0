"""The lazy expiry check every read of a running attempt goes through."""

from datetime import datetime

from django.conf import settings

from exams import timing
from exams.models import Attempt
from exams.state_machine import IN_PROGRESS


def attempt_refresh(attempt: Attempt, *, now: datetime) -> Attempt:
    """Return the attempt as it stands at `now`, closing it first if its time has run out.

    Costs nothing (no query) unless the attempt is running and overdue.
    """
    overdue = attempt.status in IN_PROGRESS and timing.is_overdue(
        deadline_at=attempt.deadline_at, now=now, grace_seconds=settings.EXAMS_ANSWER_GRACE_SECONDS
    )
    if not overdue:
        return attempt
    from exams.services.attempts import attempt_expire

    return attempt_expire(attempt_id=attempt.pk, now=now) or attempt
