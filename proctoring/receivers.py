"""Reactions to the exams app's events (sent after commit): open and notify sessions."""

from typing import Any

from exams.broker import enqueue
from exams.statuses import AttemptStatus

S = AttemptStatus
EXAM_ENDED = {S.COMPLETED, S.TIMED_OUT}
NOTIFY_ON = {
    S.STARTED: "started",
    S.COMPLETED: "stopped",
    S.TIMED_OUT: "stopped",
    S.ERROR: "stopped",
}


def on_attempt_status_changed(
    sender: Any, *, attempt_id: int, to_status: str, taking_as_proctored: bool, **_: Any
) -> None:
    """Open the provider session when setup begins; tell the provider when the exam starts or
    stops. Provider calls run in Celery tasks, never in the learner's request. Attempts taken
    without proctoring have no session: nothing to do."""
    if not taking_as_proctored:
        return
    # The learner's move is committed; a broker outage must not fail their request.
    what = f"provider notice that attempt {attempt_id} moved to {to_status}"
    if to_status == S.DOWNLOAD_SOFTWARE_CLICKED:
        enqueue("proctoring.session_open", attempt_id, what=what)
    elif to_status in NOTIFY_ON:
        enqueue("proctoring.session_notify", attempt_id, NOTIFY_ON[S(to_status)], what=what)
    if to_status in EXAM_ENDED:
        # A review that overtook the submit waits for this (the sweep retries if not queued).
        enqueue(
            "proctoring.reviews_apply_held",
            attempt_id,
            what=f"held reviews of attempt {attempt_id}",
        )
