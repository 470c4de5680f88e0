"""attempt_start and the learner's way to the end: the stored deadline, the due-date cut,
ending with confirmation, and the full proctored path."""

from datetime import timedelta
from decimal import Decimal

import pytest

from exams import services
from exams.exceptions import DomainError
from exams.statuses import AttemptStatus as S
from tests.exams.helpers import history_of, snapshot
from tests.factories import ExamFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _created(exam, learner, now, proctored=None):
    return services.attempt_create(exam=exam, learner=learner, proctored=proctored, now=now)


def test_start_stores_the_deadline_as_start_plus_time_allotted(course, learner, now):
    exam = ExamFactory(course=course, time_limit_minutes=60)
    attempt = _created(exam, learner, now)

    started = services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)

    started.refresh_from_db()
    assert started.status == S.STARTED
    assert started.started_at == now
    assert started.allowed_seconds == 3600
    assert started.deadline_at == now + timedelta(hours=1)
    assert started.cut_by_due_date is False
    assert history_of(started) == [("", S.CREATED), (S.CREATED, S.STARTED)]


def test_start_cuts_the_deadline_at_the_due_date(course, learner, now):
    due = now + timedelta(minutes=25)
    exam = ExamFactory(course=course, time_limit_minutes=60, due_at=due)
    attempt = _created(exam, learner, now)

    started = services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)

    started.refresh_from_db()
    assert started.deadline_at == due
    assert started.cut_by_due_date is True
    assert started.allowed_seconds == 3600


def test_start_after_the_due_date_is_refused_and_changes_nothing(course, learner, now):
    exam = ExamFactory(course=course, due_at=now + timedelta(minutes=5))
    attempt = _created(exam, learner, now)
    before = snapshot(attempt)

    with pytest.raises(DomainError) as raised:
        services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now + timedelta(hours=1))

    assert raised.value.code == "exam_closed"
    assert snapshot(attempt) == before


def test_open_exam_start_after_the_due_date_is_refused(course, auditor, now):
    exam = ExamFactory(course=course, proctored=True, due_at=now + timedelta(minutes=5))
    attempt = _created(exam, auditor, now)
    before = snapshot(attempt)

    with pytest.raises(DomainError) as raised:
        services.attempt_start(attempt_id=attempt.pk, actor=auditor, now=now + timedelta(hours=1))

    assert raised.value.code == "exam_closed"
    assert snapshot(attempt) == before


def test_double_start_never_pushes_the_deadline_back(course, learner, now):
    exam = ExamFactory(course=course)
    attempt = _created(exam, learner, now)
    services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)
    before = snapshot(attempt)

    again = services.attempt_start(
        attempt_id=attempt.pk, actor=learner, now=now + timedelta(minutes=3)
    )

    assert again.deadline_at == now + timedelta(hours=1)
    assert snapshot(attempt) == before


def test_proctored_attempt_cannot_skip_setup(course, learner, now):
    exam = ExamFactory(course=course, proctored=True)
    attempt = _created(exam, learner, now, proctored=True)
    before = snapshot(attempt)

    with pytest.raises(DomainError) as raised:
        services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)

    assert raised.value.code == "illegal_transition"
    assert snapshot(attempt) == before


def test_proctored_attempt_goes_the_whole_way_to_a_review(course, learner, now):
    exam = ExamFactory(course=course, proctored=True, time_limit_minutes=30)
    question = QuestionFactory(exam=exam, numeric_answer=Decimal(42), points=Decimal(4))
    attempt = _created(exam, learner, now, proctored=True)

    services.attempt_setup_begin(attempt_id=attempt.pk, actor=learner, now=now)
    services.attempt_mark_ready(attempt_id=attempt.pk, now=now + timedelta(minutes=2))
    start = now + timedelta(minutes=3)
    services.attempt_start(attempt_id=attempt.pk, actor=learner, now=start)
    services.answer_save(attempt_id=attempt.pk, question_id=question.pk, response="42", now=start)
    services.attempt_stop(attempt_id=attempt.pk, actor=learner, now=start + timedelta(minutes=9))
    services.attempt_submit(attempt_id=attempt.pk, actor=learner, now=start + timedelta(minutes=10))
    services.attempt_session_submitted(attempt_id=attempt.pk, now=start + timedelta(minutes=11))
    services.attempt_review_result(
        attempt_id=attempt.pk, result=S.VERIFIED, now=start + timedelta(hours=5)
    )

    attempt.refresh_from_db()
    assert attempt.status == S.VERIFIED
    assert attempt.started_at == start
    assert attempt.deadline_at == start + timedelta(minutes=30)
    assert attempt.completed_at == start + timedelta(minutes=10)
    assert attempt.points_earned == Decimal(4)
    assert attempt.points_possible == Decimal(4)
    assert history_of(attempt) == [
        ("", S.CREATED),
        (S.CREATED, S.DOWNLOAD_SOFTWARE_CLICKED),
        (S.DOWNLOAD_SOFTWARE_CLICKED, S.READY_TO_START),
        (S.READY_TO_START, S.STARTED),
        (S.STARTED, S.READY_TO_SUBMIT),
        (S.READY_TO_SUBMIT, S.COMPLETED),
        (S.COMPLETED, S.SUBMITTED),
        (S.SUBMITTED, S.VERIFIED),
    ]


def test_continue_working_keeps_the_clock_running(course, learner, now):
    exam = ExamFactory(course=course)
    attempt = _created(exam, learner, now)
    services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)
    services.attempt_stop(attempt_id=attempt.pk, actor=learner, now=now + timedelta(minutes=5))

    resumed = services.attempt_continue(
        attempt_id=attempt.pk, actor=learner, now=now + timedelta(minutes=6)
    )

    assert resumed.status == S.STARTED
    assert resumed.deadline_at == now + timedelta(hours=1)
    assert history_of(attempt)[-2:] == [
        (S.STARTED, S.READY_TO_SUBMIT),
        (S.READY_TO_SUBMIT, S.STARTED),
    ]


@pytest.mark.parametrize("service", ["stop", "continue", "submit"])
def test_learner_moves_after_the_deadline_close_the_attempt_as_timed_out(attempt_in, now, service):
    attempt = attempt_in(S.READY_TO_SUBMIT if service == "continue" else S.STARTED)
    late = attempt.deadline_at + timedelta(seconds=1)

    call = getattr(services, f"attempt_{service}")
    returned = call(attempt_id=attempt.pk, actor=attempt.learner, now=late)

    attempt.refresh_from_db()
    assert returned.status == attempt.status == S.TIMED_OUT
    assert attempt.completed_at == attempt.deadline_at
    assert history_of(attempt)[-1][1] == S.TIMED_OUT
    assert len(history_of(attempt)) == 2


def test_submit_at_the_deadline_exactly_completes(attempt_in, now):
    attempt = attempt_in(S.STARTED)

    returned = services.attempt_submit(
        attempt_id=attempt.pk, actor=attempt.learner, now=attempt.deadline_at
    )

    assert returned.status == S.COMPLETED
    assert returned.completed_at == attempt.deadline_at


def test_submit_of_an_open_exam_has_no_deadline_to_miss(course, auditor, now):
    exam = ExamFactory(course=course, proctored=True)
    attempt = _created(exam, auditor, now)
    services.attempt_start(attempt_id=attempt.pk, actor=auditor, now=now)

    done = services.attempt_submit(
        attempt_id=attempt.pk, actor=auditor, now=now + timedelta(days=3)
    )

    assert done.status == S.COMPLETED
    assert done.completed_at == now + timedelta(days=3)


def test_a_cleared_attempt_is_not_found_by_the_moves(attempt_in, instructor, now):
    attempt = attempt_in(S.STARTED)
    services.attempt_clear(attempt_id=attempt.pk, actor=instructor, now=now)

    with pytest.raises(DomainError) as raised:
        services.attempt_submit(attempt_id=attempt.pk, actor=attempt.learner, now=now)

    assert raised.value.code == "not_found"
