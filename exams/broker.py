"""Queueing Celery tasks from a request whose work is already committed.

If the broker cannot be reached, failing the request would not undo what it committed: the
task is skipped with a warning, and a periodic sweep (or a person) picks the work up later.
"""

import logging
from typing import Any

from kombu.exceptions import OperationalError as BrokerUnavailable

log = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any, what: str) -> bool:
    """`task.delay(*args)`; on a broker outage log `what` was not queued and return False."""
    try:
        task.delay(*args)
    except BrokerUnavailable:
        log.warning("%s not queued: the broker cannot be reached", what)
        return False
    return True
