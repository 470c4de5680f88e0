"""Queueing Celery tasks by name, from a request whose work is already committed.

Services name the task they queue (`"reports.report_build"`), so they never import the tasks
that call them: each app's tasks module imports its services and is registered when the app is
ready. If the broker cannot be reached, failing the request would not undo what it committed:
the task is skipped with a warning, and a periodic sweep (or a person) picks the work up later.
"""

import logging
from typing import Any

from celery import current_app
from kombu.exceptions import OperationalError as BrokerUnavailable

log = logging.getLogger(__name__)


def enqueue(task_name: str, *args: Any, what: str) -> bool:
    """Queue the task registered as `task_name` with `args`; on a broker outage log that
    `what` was not queued and return False. An unknown name raises (a bug, not an outage)."""
    task = current_app.tasks[task_name]
    try:
        task.delay(*args)
    except BrokerUnavailable:
        log.warning("%s not queued: the broker cannot be reached", what)
        return False
    return True
