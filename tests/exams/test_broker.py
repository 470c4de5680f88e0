"""enqueue: a broker outage skips the task with a warning instead of failing the request."""

import logging

from kombu.exceptions import OperationalError

from exams.broker import enqueue


class Task:
    def __init__(self, error=None):
        self.error = error
        self.calls = []

    def delay(self, *args):
        if self.error:
            raise self.error
        self.calls.append(args)


def test_queues_the_task_when_the_broker_answers():
    task = Task()

    assert enqueue(task, 1, 2, what="thing 1") is True
    assert task.calls == [(1, 2)]


def test_broker_outage_is_logged_and_reported_not_raised(caplog):
    with caplog.at_level(logging.WARNING):
        queued = enqueue(Task(OperationalError("refused")), 7, what="report job 7")

    assert queued is False
    assert "report job 7 not queued: the broker cannot be reached" in caplog.text


def test_other_errors_still_raise():
    import pytest

    with pytest.raises(ValueError):
        enqueue(Task(ValueError("bug")), what="x")
