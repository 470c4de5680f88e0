"""Helpers for the exams tests: snapshots of an attempt for 'nothing changed' assertions."""

from typing import Any

from exams.models import Attempt, AttemptTransition


def snapshot(attempt: Attempt) -> dict[str, Any]:
    """The attempt's row as stored, and its history, for 'nothing changed' assertions."""
    row = Attempt.objects.filter(pk=attempt.pk).values().get()
    history = list(
        AttemptTransition.objects.filter(attempt_id=attempt.pk)
        .order_by("id")
        .values_list("id", "kind", "from_status", "to_status", "deadline_at")
    )
    return {"row": row, "history": history}


def history_of(attempt: Attempt) -> list[tuple[str, str]]:
    """(from, to) of every status move of the attempt, oldest first."""
    return list(
        AttemptTransition.objects.filter(attempt_id=attempt.pk, kind="status")
        .order_by("at", "id")
        .values_list("from_status", "to_status")
    )
