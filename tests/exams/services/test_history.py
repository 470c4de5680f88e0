"""The one way to change a status: transition() checks, records and applies, and the event
goes out only after commit."""

from datetime import timedelta

import pytest

from exams import events
from exams.exceptions import IllegalTransition
from exams.lifecycle.history import record_deadline_change, transition
from exams.models import Attempt, AttemptTransition
from exams.statuses import AttemptStatus as S

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    events.attempt_status_changed.connect(receiver, weak=False)
    yield calls
    events.attempt_status_changed.disconnect(receiver)


def test_transition_records_who_when_from_to_and_why(attempt_in, learner, now):
    attempt = attempt_in(S.STARTED, proctored=False)

    transition(attempt, to=S.READY_TO_SUBMIT, actor=learner, at=now, reason="end my exam")

    assert attempt.status == S.READY_TO_SUBMIT
    row = AttemptTransition.objects.filter(attempt=attempt).latest("id")
    assert (
        row.attempt_code,
        row.kind,
        row.from_status,
        row.to_status,
        row.deadline_at,
        row.actor,
        row.at,
        row.reason,
    ) == (
        attempt.attempt_code,
        "status",
        S.STARTED,
        S.READY_TO_SUBMIT,
        attempt.deadline_at,
        learner,
        now,
        "end my exam",
    )
    # the caller saves; transition() alone leaves the stored status as it was
    assert Attempt.objects.get(pk=attempt.pk).status == S.STARTED


def test_illegal_transition_writes_nothing_and_leaves_the_status(attempt_in, learner, now):
    attempt = attempt_in(S.COMPLETED, proctored=False)
    rows = AttemptTransition.objects.count()

    with pytest.raises(IllegalTransition):
        transition(attempt, to=S.STARTED, actor=learner, at=now)

    assert attempt.status == S.COMPLETED
    assert AttemptTransition.objects.count() == rows


def test_status_event_is_sent_only_after_commit(
    attempt_in, learner, now, received, django_capture_on_commit_callbacks
):
    attempt = attempt_in(S.STARTED, proctored=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition(attempt, to=S.COMPLETED, actor=learner, at=now)
        assert received == []

    assert len(callbacks) == 1
    assert received == [
        {
            "signal": events.attempt_status_changed,
            "attempt_id": attempt.pk,
            "attempt_code": attempt.attempt_code,
            "from_status": S.STARTED,
            "to_status": "completed",
            "taking_as_proctored": False,
            "actor_id": learner.pk,
        }
    ]


def test_system_moves_have_no_actor_and_long_reasons_are_cut(attempt_in, now):
    attempt = attempt_in(S.STARTED, proctored=False)

    transition(attempt, to=S.TIMED_OUT, actor=None, at=now, reason="x" * 600)

    row = AttemptTransition.objects.filter(attempt=attempt).latest("id")
    assert row.actor is None
    assert row.reason == "x" * 500


def test_deadline_change_is_recorded_with_the_new_deadline(attempt_in, instructor, now):
    attempt = attempt_in(S.STARTED, proctored=False)
    attempt.deadline_at += timedelta(minutes=15)

    record_deadline_change(attempt, actor=instructor, at=now, reason="extra time")

    row = AttemptTransition.objects.get(attempt=attempt, kind="deadline")
    assert (row.from_status, row.to_status, row.deadline_at, row.actor) == (
        S.STARTED,
        S.STARTED,
        attempt.deadline_at,
        instructor,
    )
