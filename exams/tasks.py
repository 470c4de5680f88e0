"""Celery tasks of the exams app: the overdue-attempt sweep."""

from celery import shared_task

from exams.broker import enqueue
from exams.services import attempts_expire_overdue


@shared_task(
    name="exams.attempts_expire_overdue",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=120,
    time_limit=150,
)
def attempts_expire_overdue_task() -> int:
    """Beat entry: close running attempts whose deadline has passed, in bounded batches; a full
    batch queues the sweep again so a backlog drains quickly."""
    closed, more = attempts_expire_overdue()
    if more:
        enqueue("exams.attempts_expire_overdue", what="the next overdue-attempt sweep")
    return closed
