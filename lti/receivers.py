"""Reactions to the exams app's events (sent after commit): grades for the platform."""

from typing import Any

from exams.broker import enqueue
from lti.grades import GRADED


def on_attempt_status_changed(sender: Any, *, attempt_id: int, to_status: str, **_: Any) -> None:
    """A status that means something to a gradebook: record and post it in a task (the
    learner's request never waits for a platform; the sweep catches what was not queued)."""
    if to_status in GRADED:
        enqueue("lti.attempt_grades_sync", attempt_id, what=f"grades of attempt {attempt_id}")
