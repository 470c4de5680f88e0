"""The overdue-attempt sweep, called directly (no broker). The clock is the `now` fixture."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from exams import services, tasks
from exams.models import Attempt
from exams.services import expiry
from exams.statuses import AttemptStatus as S
from tests.exams.helpers import snapshot
from tests.factories import ExamFactory, UserFactory

pytestmark = pytest.mark.django_db

GRACE = timedelta(seconds=settings.EXAMS_ANSWER_GRACE_SECONDS)


@pytest.fixture
def clock(monkeypatch, now):
    """Make timezone.now() return the `now` fixture: the tasks read the clock themselves."""
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


@pytest.fixture
def running(attempt_in, course, now):
    """Make a running attempt of a new learner whose deadline is `deadline_at`."""

    def make(deadline_at, status=S.STARTED):
        learner = UserFactory()
        learner.exam_enrollments.create(course=course, mode="verified")
        return attempt_in(status, proctored=False, learner=learner, deadline_at=deadline_at)

    return make


def test_sweep_closes_every_overdue_attempt_and_returns_the_count(running, clock):
    overdue = [
        running(clock - GRACE - timedelta(seconds=1)),
        running(clock - timedelta(hours=3), status=S.READY_TO_SUBMIT),
        running(clock - timedelta(days=1)),
    ]
    on_time = [running(clock - GRACE), running(clock + timedelta(minutes=30))]

    closed = tasks.attempts_expire_overdue_task()

    assert closed == 3
    for attempt in overdue:
        attempt.refresh_from_db()
        assert attempt.status == S.TIMED_OUT
        assert attempt.completed_at == attempt.deadline_at
    for attempt in on_time:
        attempt.refresh_from_db()
        assert attempt.status in (S.STARTED, S.READY_TO_SUBMIT)
        assert attempt.completed_at is None


def test_sweep_leaves_attempts_that_are_not_running(attempt_in, clock):
    others = [attempt_in(s) for s in (S.CREATED, S.COMPLETED, S.ERROR, S.VERIFIED)]
    before = [snapshot(a) for a in others]

    assert tasks.attempts_expire_overdue_task() == 0

    assert [snapshot(a) for a in others] == before


def test_sweep_run_twice_closes_each_attempt_once(running, clock):
    attempt = running(clock - timedelta(hours=1))

    first = tasks.attempts_expire_overdue_task()
    second = tasks.attempts_expire_overdue_task()

    assert (first, second) == (1, 0)
    assert attempt.transitions.filter(to_status=S.TIMED_OUT).count() == 1


def test_full_batch_requeues_the_sweep(running, clock, monkeypatch):
    monkeypatch.setattr(expiry, "SWEEP_BATCH", 2)
    queued = []
    monkeypatch.setattr(tasks.attempts_expire_overdue_task, "delay", lambda: queued.append(1))
    attempts = [running(clock - timedelta(minutes=m)) for m in (30, 20, 10)]

    closed = tasks.attempts_expire_overdue_task()

    assert closed == 2
    assert queued == [1]
    # oldest deadline first
    assert [Attempt.objects.get(pk=a.pk).status for a in attempts] == [
        S.TIMED_OUT,
        S.TIMED_OUT,
        S.STARTED,
    ]


def test_partial_batch_does_not_requeue(running, clock, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.attempts_expire_overdue_task, "delay", lambda: queued.append(1))
    running(clock - timedelta(minutes=30))

    assert tasks.attempts_expire_overdue_task() == 1
    assert queued == []


def test_expiring_one_overdue_attempt_twice_closes_it_once(running, clock):
    attempt = running(clock - timedelta(minutes=1))

    services.attempt_expire(attempt_id=attempt.pk)
    services.attempt_expire(attempt_id=attempt.pk)

    attempt.refresh_from_db()
    assert attempt.status == S.TIMED_OUT
    assert attempt.transitions.filter(to_status=S.TIMED_OUT).count() == 1


def test_expiring_a_cleared_attempt_does_nothing(running, clock):
    attempt_id = running(clock - timedelta(minutes=1)).pk
    Attempt.objects.filter(pk=attempt_id).delete()

    assert services.attempt_expire(attempt_id=attempt_id) is None


def test_sweep_ignores_open_exams_without_deadline(course, auditor, clock):
    exam = ExamFactory(course=course, proctored=True)
    attempt = services.attempt_create(exam=exam, learner=auditor, proctored=None, now=clock)
    services.attempt_start(attempt_id=attempt.pk, actor=auditor, now=clock - timedelta(days=9))

    assert tasks.attempts_expire_overdue_task() == 0
