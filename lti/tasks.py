"""Celery tasks of the LTI app: each is safe to run twice and is one call of a service."""

from celery import shared_task

from lti import grades


@shared_task(name="lti.attempt_grades_sync", ignore_result=True)
def attempt_grades_sync_task(attempt_id: int) -> int:
    """Record the attempt's grade for each line item and post the due ones."""
    return grades.attempt_grades_sync(attempt_id=attempt_id)


@shared_task(name="lti.grades_sweep", ignore_result=True)
def grades_sweep_task() -> int:
    """Beat entry: record grades left unrecorded (an event lost with the broker) and post the
    waiting grades that are due (retries after a platform was down)."""
    return grades.grades_sweep()
