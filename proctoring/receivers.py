"""Reactions to the exams app's events (sent after commit): open and notify sessions."""

import logging
from typing import Any

from kombu.exceptions import OperationalError as BrokerUnavailable

from exams.state_machine import AttemptStatus

log = logging.getLogger(__name__)
S = AttemptStatus
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
    from proctoring.tasks import session_notify_task, session_open_task

    if not taking_as_proctored:
        return
    try:
        if to_status == S.DOWNLOAD_SOFTWARE_CLICKED:
            session_open_task.delay(attempt_id)
        elif to_status in NOTIFY_ON:
            session_notify_task.delay(attempt_id, NOTIFY_ON[S(to_status)])
    except BrokerUnavailable:
        # The learner's move is committed; failing their request now would not undo it.
        log.warning(
            "provider not told that attempt %s moved to %s: the broker cannot be reached",
            attempt_id,
            to_status,
        )
