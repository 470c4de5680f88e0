"""attempt_error and attempt_resume: a crash keeps the answers and the time that remained;
only staff let the learner go on."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams import services
from exams.exceptions import DomainError
from exams.models import Answer, Attempt
from exams.statuses import AttemptStatus as S
from tests.exams.helpers import history_of, snapshot
from tests.factories import ExamFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(course, learner, now):
    """A proctored 60-minute attempt started at `now`, with one answer saved."""
    exam = ExamFactory(course=course, proctored=True, time_limit_minutes=60)
    question = QuestionFactory(exam=exam, numeric_answer=Decimal(42))
    attempt = services.attempt_create(exam=exam, learner=learner, proctored=True, now=now)
    services.attempt_setup_begin(attempt_id=attempt.pk, actor=learner, now=now)
    services.attempt_mark_ready(attempt_id=attempt.pk, now=now)
    services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)
    services.answer_save(attempt_id=attempt.pk, question_id=question.pk, response="42", now=now)
    return attempt


def _refused(code, call, **kwargs):
    with pytest.raises(DomainError) as raised:
        call(**kwargs)
    assert raised.value.code == code


def test_error_while_running_keeps_answers_and_the_seconds_left(running, now):
    crash = now + timedelta(minutes=20, seconds=15)

    errored = services.attempt_error(
        attempt_id=running.pk, actor=None, now=crash, reason="software closed"
    )

    errored.refresh_from_db()
    assert errored.status == S.ERROR
    assert errored.paused_remaining_seconds == 39 * 60 + 45
    assert errored.deadline_at is None
    assert errored.completed_at is None
    assert list(Answer.objects.filter(attempt=running).values_list("response", flat=True)) == ["42"]
    assert history_of(errored)[-1] == (S.STARTED, S.ERROR)


def test_staff_resume_then_start_gives_the_time_that_remained(running, instructor, now):
    services.attempt_error(attempt_id=running.pk, actor=None, now=now + timedelta(minutes=20))

    resumed = services.attempt_resume(
        attempt_id=running.pk, actor=instructor, now=now + timedelta(hours=2)
    )
    restart = now + timedelta(hours=2, minutes=5)
    started = services.attempt_start(attempt_id=running.pk, actor=running.learner, now=restart)

    assert resumed.status == S.READY_TO_START
    started.refresh_from_db()
    assert started.status == S.STARTED
    assert started.deadline_at == restart + timedelta(minutes=40)
    assert started.started_at == now
    assert started.allowed_seconds == 3600
    assert started.paused_remaining_seconds is None
    assert history_of(started)[-3:] == [
        (S.STARTED, S.ERROR),
        (S.ERROR, S.READY_TO_START),
        (S.READY_TO_START, S.STARTED),
    ]
    assert Answer.objects.filter(attempt=running).count() == 1


def test_resumed_time_is_still_cut_at_the_due_date(running, instructor, now):
    exam = running.exam
    exam.due_at = now + timedelta(hours=2, minutes=10)
    exam.save()
    services.attempt_error(attempt_id=running.pk, actor=None, now=now + timedelta(minutes=20))
    services.attempt_resume(attempt_id=running.pk, actor=instructor, now=now + timedelta(hours=2))

    started = services.attempt_start(
        attempt_id=running.pk, actor=running.learner, now=now + timedelta(hours=2)
    )

    assert started.deadline_at == exam.due_at
    assert started.cut_by_due_date is True


def test_error_before_the_exam_began_resumes_to_setup(course, learner, instructor, now):
    exam = ExamFactory(course=course, proctored=True)
    attempt = services.attempt_create(exam=exam, learner=learner, proctored=True, now=now)
    services.attempt_setup_begin(attempt_id=attempt.pk, actor=learner, now=now)
    services.attempt_error(attempt_id=attempt.pk, actor=None, now=now)

    resumed = services.attempt_resume(attempt_id=attempt.pk, actor=instructor, now=now)

    assert resumed.status == S.DOWNLOAD_SOFTWARE_CLICKED
    assert resumed.paused_remaining_seconds is None
    assert history_of(resumed)[-2:] == [
        (S.DOWNLOAD_SOFTWARE_CLICKED, S.ERROR),
        (S.ERROR, S.DOWNLOAD_SOFTWARE_CLICKED),
    ]


def test_second_resume_changes_nothing(running, instructor, now):
    services.attempt_error(attempt_id=running.pk, actor=None, now=now + timedelta(minutes=20))
    services.attempt_resume(attempt_id=running.pk, actor=instructor, now=now + timedelta(hours=1))
    before = snapshot(running)

    again = services.attempt_resume(
        attempt_id=running.pk, actor=instructor, now=now + timedelta(hours=1, seconds=3)
    )

    assert again.status == S.READY_TO_START
    assert snapshot(running) == before


@pytest.mark.parametrize(
    "status",
    [
        S.CREATED,
        S.DOWNLOAD_SOFTWARE_CLICKED,
        S.READY_TO_START,
        S.STARTED,
        S.COMPLETED,
        S.VERIFIED,
    ],
)
def test_resume_of_an_attempt_that_did_not_error_is_refused(attempt_in, instructor, now, status):
    attempt = attempt_in(status)
    before = snapshot(attempt)

    _refused(
        "not_resumable",
        services.attempt_resume,
        attempt_id=attempt.pk,
        actor=instructor,
        now=now,
    )

    assert snapshot(attempt) == before


@pytest.mark.parametrize("ending", ["attempt_submit", "attempt_expire"])
def test_resume_of_an_attempt_that_ended_then_errored_is_refused(running, instructor, now, ending):
    end = now + timedelta(minutes=30) if ending == "attempt_submit" else now + timedelta(hours=2)
    if ending == "attempt_submit":
        services.attempt_submit(attempt_id=running.pk, actor=running.learner, now=end)
    else:
        services.attempt_expire(attempt_id=running.pk, now=end)
    services.attempt_error(attempt_id=running.pk, actor=None, now=end, reason="upload failed")
    before = snapshot(running)

    _refused(
        "not_resumable", services.attempt_resume, attempt_id=running.pk, actor=instructor, now=end
    )

    assert snapshot(running) == before
    assert before["row"]["status"] == S.ERROR


def test_learner_cannot_restart_setup_after_an_error(running, now):
    services.attempt_error(attempt_id=running.pk, actor=None, now=now + timedelta(minutes=20))
    before = snapshot(running)

    _refused(
        "illegal_transition",
        services.attempt_setup_begin,
        attempt_id=running.pk,
        actor=running.learner,
        now=now + timedelta(minutes=21),
    )

    assert snapshot(running) == before


def test_provider_ready_does_not_resume_an_errored_attempt(running, now):
    services.attempt_error(attempt_id=running.pk, actor=None, now=now + timedelta(minutes=20))
    before = snapshot(running)

    _refused(
        "illegal_transition",
        services.attempt_mark_ready,
        attempt_id=running.pk,
        now=now + timedelta(minutes=21),
    )

    assert snapshot(running) == before


def test_completed_then_errored_attempt_cannot_be_restarted_by_the_learner(running, now):
    services.attempt_submit(attempt_id=running.pk, actor=running.learner, now=now)
    services.attempt_error(attempt_id=running.pk, actor=None, now=now, reason="upload failed")
    before = snapshot(running)

    for call, kwargs in (
        (services.attempt_setup_begin, {"actor": running.learner}),
        (services.attempt_mark_ready, {}),
        (services.attempt_start, {"actor": running.learner}),
    ):
        _refused("illegal_transition", call, attempt_id=running.pk, now=now, **kwargs)

    assert snapshot(running) == before


def test_error_after_the_deadline_closes_the_attempt_as_timed_out(running, now):
    late = now + timedelta(hours=1, seconds=1)

    returned = services.attempt_error(attempt_id=running.pk, actor=None, now=late)

    running.refresh_from_db()
    assert returned.status == running.status == S.TIMED_OUT
    assert running.completed_at == now + timedelta(hours=1)
    assert running.points_earned == Decimal(1)
    assert history_of(running)[-1] == (S.STARTED, S.TIMED_OUT)


@pytest.mark.parametrize("before_deadline", [timedelta(0), timedelta(milliseconds=500)])
def test_error_with_no_whole_second_left_closes_the_attempt_as_timed_out(
    running, now, before_deadline
):
    # a resume with zero seconds could never start again: the attempt would be stuck
    crash = now + timedelta(hours=1) - before_deadline

    returned = services.attempt_error(attempt_id=running.pk, actor=None, now=crash)

    running.refresh_from_db()
    assert returned.status == running.status == S.TIMED_OUT
    assert running.completed_at == crash
    assert running.points_earned == Decimal(1)
    assert running.paused_remaining_seconds is None
    assert history_of(running)[-1] == (S.STARTED, S.TIMED_OUT)


def test_error_with_one_second_left_can_be_resumed_with_that_second(running, instructor, now):
    services.attempt_error(
        attempt_id=running.pk, actor=None, now=now + timedelta(minutes=59, seconds=59)
    )
    services.attempt_resume(attempt_id=running.pk, actor=instructor, now=now + timedelta(hours=2))

    started = services.attempt_start(
        attempt_id=running.pk, actor=running.learner, now=now + timedelta(hours=2)
    )

    assert started.deadline_at == now + timedelta(hours=2, seconds=1)


def test_error_of_an_unproctored_attempt_is_refused(attempt_in, now):
    attempt = attempt_in(S.STARTED, proctored=False)
    before = snapshot(attempt)

    _refused(
        "illegal_transition", services.attempt_error, attempt_id=attempt.pk, actor=None, now=now
    )

    assert snapshot(attempt) == before


def test_a_second_crash_can_be_resumed_again_with_what_remained(running, instructor, now):
    services.attempt_error(attempt_id=running.pk, actor=None, now=now + timedelta(minutes=20))
    services.attempt_resume(attempt_id=running.pk, actor=instructor, now=now + timedelta(hours=1))
    restart = now + timedelta(hours=1, minutes=1)
    services.attempt_start(attempt_id=running.pk, actor=running.learner, now=restart)
    services.attempt_error(attempt_id=running.pk, actor=None, now=restart + timedelta(minutes=30))

    services.attempt_resume(attempt_id=running.pk, actor=instructor, now=now + timedelta(hours=3))
    again = services.attempt_start(
        attempt_id=running.pk, actor=running.learner, now=now + timedelta(hours=3)
    )

    assert again.deadline_at == now + timedelta(hours=3, minutes=10)
    assert [move for move in history_of(again) if S.ERROR in move] == [
        (S.STARTED, S.ERROR),
        (S.ERROR, S.READY_TO_START),
        (S.STARTED, S.ERROR),
        (S.ERROR, S.READY_TO_START),
    ]


def test_resume_after_the_due_date_closes_and_grades_the_attempt(running, instructor, now):
    exam = running.exam
    exam.due_at = now + timedelta(hours=1)
    exam.save()
    services.attempt_error(attempt_id=running.pk, actor=None, now=now + timedelta(minutes=20))

    with CaptureQueriesContext(connection) as captured:
        closed = services.attempt_resume(
            attempt_id=running.pk, actor=instructor, now=now + timedelta(hours=3)
        )

    # The close and the deadline it is closed at are one UPDATE of the attempt.
    table = f'UPDATE "{Attempt._meta.db_table}"'
    assert sum(q["sql"].startswith(table) for q in captured.captured_queries) == 1
    assert Attempt.objects.get(pk=running.pk).deadline_at == exam.due_at

    assert closed.status == S.TIMED_OUT
    assert closed.completed_at == exam.due_at
    assert closed.points_earned == Decimal(1)
    assert history_of(closed)[-1] == (S.ERROR, S.TIMED_OUT)
