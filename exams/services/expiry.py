"""Closing attempts whose time ran out: lazily on reads, one at a time, and in sweeper batches."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exams import timing
from exams.lifecycle.closing import CLOSED_FIELDS, end
from exams.lifecycle.engine import expire_if_overdue
from exams.lifecycle.grading import attempts_grade
from exams.models import Attempt
from exams.selectors import attempt_get_locked, attempt_ids_overdue
from exams.statuses import IN_PROGRESS, AttemptStatus

# Each expiry is one short locked transaction; 500 per sweep finishes well inside the beat
# interval.
SWEEP_BATCH = 500
# Attempts closed per transaction: few enough that the row locks are held only briefly.
CLOSE_CHUNK = 100


def attempt_refresh(attempt: Attempt, *, now: datetime) -> Attempt:
    """Return the attempt as it stands at `now`, closing it first if its time has run out.

    Costs nothing (no query) unless the attempt is running and overdue.
    """
    overdue = attempt.status in IN_PROGRESS and timing.is_overdue(
        deadline_at=attempt.deadline_at, now=now, grace_seconds=settings.EXAMS_ANSWER_GRACE_SECONDS
    )
    if not overdue:
        return attempt
    return attempt_expire(attempt_id=attempt.pk, now=now) or attempt


@transaction.atomic
def attempt_expire(*, attempt_id: int, now: datetime | None = None) -> Attempt | None:
    """Close a running attempt whose deadline (plus the answer grace) has passed.

    Does nothing if the attempt already ended, was cleared, or its deadline moved later (extra
    time granted after the sweep picked it up). Returns None for a cleared attempt.
    """
    try:
        attempt = attempt_get_locked(attempt_id=attempt_id)
    except Attempt.DoesNotExist:
        return None
    now = now or timezone.now()  # after the lock
    expire_if_overdue(attempt, now, grace_seconds=settings.EXAMS_ANSWER_GRACE_SECONDS)
    return attempt


@transaction.atomic
def attempts_expire_batch(*, attempt_ids: list[int], now: datetime | None = None) -> int:
    """Close, in one transaction, those of `attempt_ids` that are still running and overdue.

    For the sweeper: rows another transaction holds are skipped (their holder closes them, or
    the next sweep does), rows whose deadline moved later are left. Every closed attempt gets
    its own history row and graded answers, exactly as attempt_expire would give it.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.EXAMS_ANSWER_GRACE_SECONDS)
    attempts = list(
        Attempt.objects.select_related("exam")
        .select_for_update(of=("self",), skip_locked=True)
        .filter(pk__in=attempt_ids, status__in=IN_PROGRESS, deadline_at__lt=cutoff)
        .order_by("pk")
    )
    for attempt in attempts:
        end(attempt, to=AttemptStatus.TIMED_OUT, actor=None, now=now, reason="deadline passed")
        attempt.modified = now
    attempts_grade(attempts, now=now)
    Attempt.objects.bulk_update(attempts, CLOSED_FIELDS)
    return len(attempts)


def attempts_expire_overdue(*, now: datetime | None = None) -> tuple[int, bool]:
    """The sweep: close up to SWEEP_BATCH running attempts whose deadline (plus the answer
    grace) has passed, CLOSE_CHUNK per transaction. Returns how many it found and whether
    there may be more."""
    attempt_ids = attempt_ids_overdue(
        now=now or timezone.now(),
        grace_seconds=settings.EXAMS_ANSWER_GRACE_SECONDS,
        limit=SWEEP_BATCH,
    )
    for start in range(0, len(attempt_ids), CLOSE_CHUNK):
        attempts_expire_batch(attempt_ids=attempt_ids[start : start + CLOSE_CHUNK], now=now)
    return len(attempt_ids), len(attempt_ids) == SWEEP_BATCH
