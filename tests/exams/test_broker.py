"""enqueue: tasks queued by name; a broker outage skips the task with a warning instead of
failing the request."""

import logging

import pytest
from celery import current_app
from celery.exceptions import NotRegistered
from kombu.exceptions import OperationalError

from exams.broker import enqueue

NAME = "tests.broker_probe"


@pytest.fixture
def task(monkeypatch):
    calls = []

    @current_app.task(name=NAME)
    def probe(*args):
        calls.append(args)

    probe.calls = calls
    yield probe
    current_app.tasks.pop(NAME, None)


def test_queues_the_task_named(task):
    assert enqueue(NAME, 1, 2, what="thing 1") is True
    assert task.calls == [(1, 2)]


def test_broker_outage_is_logged_and_reported_not_raised(task, monkeypatch, caplog):
    def refused(*args):
        raise OperationalError("refused")

    monkeypatch.setattr(task, "delay", refused)
    with caplog.at_level(logging.WARNING):
        queued = enqueue(NAME, 7, what="report job 7")

    assert queued is False
    assert "report job 7 not queued: the broker cannot be reached" in caplog.text


def test_other_errors_still_raise(task, monkeypatch):
    def bug(*args):
        raise ValueError("bug")

    monkeypatch.setattr(task, "delay", bug)
    with pytest.raises(ValueError):
        enqueue(NAME, what="x")


def test_an_unknown_task_name_is_a_bug_not_an_outage():
    with pytest.raises(NotRegistered):
        enqueue("exams.no_such_task", what="x")


@pytest.mark.parametrize(
    "name",
    [
        "exams.attempts_expire_overdue",
        "proctoring.callback_process",
        "proctoring.review_email",
        "proctoring.session_open",
        "proctoring.session_notify",
        "proctoring.simulated_send",
        "proctoring.reviews_apply_held",
        "reports.report_build",
    ],
)
def test_every_task_the_services_queue_is_registered_when_the_apps_are_ready(name):
    assert name in current_app.tasks
