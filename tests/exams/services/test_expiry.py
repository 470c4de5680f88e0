"""Closing overdue attempts: attempt_expire and the lazy check on every read (attempt_refresh)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings

from exams import services
from exams.allowances.inputs import AllowanceValue
from exams.allowances.services import allowance_grant
from exams.models import Answer
from exams.services.expiry import attempt_refresh
from exams.statuses import AttemptStatus as S
from tests.exams.helpers import history_of, snapshot
from tests.factories import ExamFactory, QuestionFactory

pytestmark = pytest.mark.django_db

GRACE = timedelta(seconds=settings.EXAMS_ANSWER_GRACE_SECONDS)


@pytest.fixture
def answered(attempt_in):
    """A running timed attempt with one right and one wrong answer saved."""
    attempt = attempt_in(S.STARTED, proctored=False)
    right = QuestionFactory(exam=attempt.exam, numeric_answer=Decimal(42), points=Decimal(3))
    wrong = QuestionFactory(exam=attempt.exam, numeric_answer=Decimal(7), points=Decimal(2))
    QuestionFactory(exam=attempt.exam, points=Decimal(5))  # left unanswered
    Answer.objects.create(attempt=attempt, question=right, response="42")
    Answer.objects.create(attempt=attempt, question=wrong, response="8")
    return attempt


def test_grace_is_the_configured_ten_seconds():
    assert settings.EXAMS_ANSWER_GRACE_SECONDS == 10


@pytest.mark.parametrize("status", [S.STARTED, S.READY_TO_SUBMIT])
def test_expire_closes_an_overdue_attempt_at_its_deadline(attempt_in, status):
    attempt = attempt_in(status)
    late = attempt.deadline_at + GRACE + timedelta(seconds=1)

    returned = services.attempt_expire(attempt_id=attempt.pk, now=late)

    attempt.refresh_from_db()
    assert returned.status == attempt.status == S.TIMED_OUT
    assert attempt.completed_at == attempt.deadline_at
    assert history_of(attempt) == [("", S.CREATED), (status, S.TIMED_OUT)]
    move = attempt.transitions.get(to_status=S.TIMED_OUT)
    assert (move.actor, move.at, move.reason) == (None, late, "deadline passed")


def test_expire_grades_every_saved_answer(answered):
    late = answered.deadline_at + timedelta(hours=1)

    services.attempt_expire(attempt_id=answered.pk, now=late)

    answered.refresh_from_db()
    assert answered.points_earned == Decimal(3)
    assert answered.points_possible == Decimal(10)
    assert answered.graded_at == late
    assert sorted(
        Answer.objects.filter(attempt=answered).values_list("response", "points_awarded")
    ) == [("42", Decimal(3)), ("8", Decimal(0))]


@pytest.mark.parametrize("after_deadline", [timedelta(0), timedelta(seconds=5), GRACE])
def test_expire_does_nothing_until_the_grace_has_passed(attempt_in, after_deadline):
    attempt = attempt_in(S.STARTED)
    before = snapshot(attempt)

    returned = services.attempt_expire(
        attempt_id=attempt.pk, now=attempt.deadline_at + after_deadline
    )

    assert returned.status == S.STARTED
    assert snapshot(attempt) == before


@pytest.mark.parametrize(
    "status",
    [S.CREATED, S.READY_TO_START, S.COMPLETED, S.TIMED_OUT, S.SUBMITTED, S.VERIFIED, S.ERROR],
)
def test_expire_does_nothing_to_an_attempt_that_is_not_running(attempt_in, now, status):
    attempt = attempt_in(status)
    before = snapshot(attempt)

    returned = services.attempt_expire(attempt_id=attempt.pk, now=now + timedelta(days=30))

    assert returned.status == status
    assert snapshot(attempt) == before


def test_expire_twice_closes_once(attempt_in):
    attempt = attempt_in(S.STARTED)
    late = attempt.deadline_at + timedelta(minutes=5)
    services.attempt_expire(attempt_id=attempt.pk, now=late)
    before = snapshot(attempt)

    services.attempt_expire(attempt_id=attempt.pk, now=late + timedelta(minutes=1))

    assert snapshot(attempt) == before


def test_expire_of_an_open_exam_never_closes_it(course, auditor, now):
    exam = ExamFactory(course=course, proctored=True)
    attempt = services.attempt_create(exam=exam, learner=auditor, proctored=None, now=now)
    services.attempt_start(attempt_id=attempt.pk, actor=auditor, now=now)

    returned = services.attempt_expire(attempt_id=attempt.pk, now=now + timedelta(days=30))

    assert returned.status == S.STARTED


def test_expire_of_a_cleared_attempt_returns_none(attempt_in, instructor, now):
    attempt = attempt_in(S.STARTED)
    services.attempt_clear(attempt_id=attempt.pk, actor=instructor, now=now)

    assert services.attempt_expire(attempt_id=attempt.pk, now=now + timedelta(days=1)) is None


def test_expire_respects_a_deadline_moved_later(attempt_in, course, learner, instructor, now):
    # the sweep picked the attempt up, then extra time was granted before it got the lock
    attempt = attempt_in(S.STARTED)
    late = attempt.deadline_at + GRACE + timedelta(seconds=1)
    allowance_grant(
        course=course,
        learner=learner,
        exam=attempt.exam,
        value=AllowanceValue.parse("additional_minutes", 30),
        granted_by=instructor,
        now=now,
    )

    returned = services.attempt_expire(attempt_id=attempt.pk, now=late)

    assert returned.status == S.STARTED
    assert returned.deadline_at == attempt.deadline_at + timedelta(minutes=30)


def test_refresh_closes_an_overdue_attempt_on_read(attempt_in):
    attempt = attempt_in(S.STARTED)

    fresh = attempt_refresh(attempt, now=attempt.deadline_at + GRACE + timedelta(seconds=1))

    assert fresh.status == S.TIMED_OUT
    attempt.refresh_from_db()
    assert attempt.status == S.TIMED_OUT
    assert attempt.completed_at == attempt.deadline_at


def test_refresh_of_an_attempt_on_time_costs_no_query(attempt_in, django_assert_num_queries):
    attempt = attempt_in(S.STARTED)

    with django_assert_num_queries(0):
        fresh = attempt_refresh(attempt, now=attempt.deadline_at + GRACE)

    assert fresh is attempt
    assert fresh.status == S.STARTED


def test_refresh_of_an_attempt_cleared_meanwhile_returns_it_as_read(attempt_in, instructor, now):
    attempt = attempt_in(S.STARTED)
    services.attempt_clear(attempt_id=attempt.pk, actor=instructor, now=now)

    fresh = attempt_refresh(attempt, now=attempt.deadline_at + timedelta(days=1))

    assert fresh is attempt


def test_batch_closes_only_the_overdue_attempts_and_grades_each(answered, attempt_in):
    running = attempt_in(S.STARTED, proctored=False)
    late = answered.deadline_at + GRACE + timedelta(seconds=1)
    running.deadline_at = late + timedelta(minutes=5)
    running.save()

    closed = services.attempts_expire_batch(attempt_ids=[answered.pk, running.pk], now=late)

    assert closed == 1
    answered.refresh_from_db()
    running.refresh_from_db()
    assert (answered.status, answered.completed_at) == (S.TIMED_OUT, answered.deadline_at)
    assert (answered.points_earned, answered.points_possible) == (Decimal(3), Decimal(10))
    assert history_of(answered)[-1] == (S.STARTED, S.TIMED_OUT)
    assert running.status == S.STARTED


def test_batch_run_twice_closes_once(answered):
    late = answered.deadline_at + GRACE + timedelta(seconds=1)

    first = services.attempts_expire_batch(attempt_ids=[answered.pk], now=late)
    second = services.attempts_expire_batch(attempt_ids=[answered.pk], now=late)

    assert (first, second) == (1, 0)
    assert history_of(answered).count((S.STARTED, S.TIMED_OUT)) == 1


def test_batch_costs_the_same_queries_for_one_and_many(attempt_in, django_assert_max_num_queries):
    attempts = [attempt_in(S.STARTED, proctored=False) for _ in range(20)]
    late = max(a.deadline_at for a in attempts) + GRACE + timedelta(seconds=1)

    # lock+read, questions (+choices) per exam, answers, history rows, bulk update
    with django_assert_max_num_queries(20 + 2 * 20 + 6):
        closed = services.attempts_expire_batch(attempt_ids=[a.pk for a in attempts], now=late)

    assert closed == 20
