"""Celery tasks of the exams app: the overdue-attempt sweep."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

# Each expiry is one short locked transaction; 500 per run finishes well inside the beat
# interval, and a full batch re-queues the sweep so a backlog drains quickly.
SWEEP_BATCH = 500
# Attempts closed per transaction: few enough that the row locks are held only briefly.
CLOSE_CHUNK = 100


@shared_task(name="exams.attempt_expire", acks_late=True, ignore_result=True)
def attempt_expire_task(attempt_id: int) -> None:
    """Close one overdue attempt. Running it twice, or late, is harmless."""
    from exams.services import attempt_expire

    attempt_expire(attempt_id=attempt_id)


@shared_task(
    name="exams.attempts_expire_overdue",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=120,
    time_limit=150,
)
def attempts_expire_overdue_task() -> int:
    """Beat entry: close running attempts whose deadline has passed, in bounded batches."""
    from exams.selectors import attempt_ids_overdue
    from exams.services import attempts_expire_batch

    attempt_ids = attempt_ids_overdue(
        now=timezone.now(), grace_seconds=settings.EXAMS_ANSWER_GRACE_SECONDS, limit=SWEEP_BATCH
    )
    for start in range(0, len(attempt_ids), CLOSE_CHUNK):
        attempts_expire_batch(attempt_ids=attempt_ids[start : start + CLOSE_CHUNK])
    if len(attempt_ids) == SWEEP_BATCH:
        attempts_expire_overdue_task.delay()
    return len(attempt_ids)
