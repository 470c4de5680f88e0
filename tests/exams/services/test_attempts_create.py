"""attempt_create: who gets which kind of attempt, what is refused, and repeats."""

from datetime import timedelta

import pytest

from exams import services
from exams.exceptions import DomainError
from exams.models import Attempt, AttemptTransition, ExamType
from exams.statuses import AttemptStatus as S
from tests.exams.helpers import history_of, snapshot
from tests.factories import AttemptFactory, CourseFactory, ExamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _refused(code, **kwargs):
    with pytest.raises(DomainError) as raised:
        services.attempt_create(**kwargs)
    assert raised.value.code == code


def test_timed_exam_attempt_is_created_without_proctoring(course, learner, now):
    exam = ExamFactory(course=course, exam_type=ExamType.TIMED)

    attempt = services.attempt_create(exam=exam, learner=learner, proctored=None, now=now)

    attempt.refresh_from_db()
    assert attempt.course_id == course.pk
    assert attempt.status == S.CREATED
    assert attempt.taking_as_proctored is False
    assert attempt.is_sample_attempt is False
    assert attempt.deadline_at is None
    assert history_of(attempt) == [("", S.CREATED)]
    assert AttemptTransition.objects.get(attempt=attempt).actor == learner


def test_timed_exam_refuses_a_request_for_proctoring(course, learner, now):
    exam = ExamFactory(course=course, exam_type=ExamType.TIMED)

    _refused("invalid_input", exam=exam, learner=learner, proctored=True, now=now)

    assert Attempt.objects.count() == 0


def test_verified_learner_choosing_proctoring_gets_a_proctored_attempt(course, learner, now):
    exam = ExamFactory(course=course, proctored=True)

    attempt = services.attempt_create(exam=exam, learner=learner, proctored=True, now=now)

    attempt.refresh_from_db()
    assert attempt.status == S.CREATED
    assert attempt.taking_as_proctored is True
    assert history_of(attempt) == [("", S.CREATED)]


def test_verified_learner_must_choose_on_a_proctored_exam(course, learner, now):
    exam = ExamFactory(course=course, proctored=True)

    _refused("invalid_input", exam=exam, learner=learner, proctored=None, now=now)

    assert Attempt.objects.count() == 0


def test_opting_out_declines_proctoring_and_records_the_choice(course, learner, now):
    exam = ExamFactory(course=course, proctored=True)

    attempt = services.attempt_create(exam=exam, learner=learner, proctored=False, now=now)

    attempt.refresh_from_db()
    assert attempt.status == S.DECLINED
    assert attempt.taking_as_proctored is False
    assert history_of(attempt) == [("", S.CREATED), (S.CREATED, S.DECLINED)]


def test_opting_out_is_refused_when_the_course_forbids_it(course, learner, now):
    course.allow_opting_out = False
    course.save()
    exam = ExamFactory(course=course, proctored=True)

    _refused("opt_out_not_allowed", exam=exam, learner=learner, proctored=False, now=now)

    assert Attempt.objects.count() == 0
    assert AttemptTransition.objects.count() == 0


def test_opted_out_learner_takes_an_open_exam_without_deadline(course, learner, now):
    exam = ExamFactory(course=course, proctored=True, due_at=now + timedelta(days=3))
    attempt = services.attempt_create(exam=exam, learner=learner, proctored=False, now=now)

    started = services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)

    assert started.status == S.STARTED
    assert started.deadline_at is None
    assert started.allowed_seconds is None
    assert history_of(attempt)[-1] == (S.DECLINED, S.STARTED)


def test_audit_learner_takes_a_proctored_exam_as_an_open_exam(course, auditor, now):
    exam = ExamFactory(course=course, proctored=True)

    attempt = services.attempt_create(exam=exam, learner=auditor, proctored=None, now=now)
    started = services.attempt_start(attempt_id=attempt.pk, actor=auditor, now=now)

    assert attempt.taking_as_proctored is False
    assert history_of(attempt) == [("", S.CREATED), (S.CREATED, S.STARTED)]
    started.refresh_from_db()
    assert started.status == S.STARTED
    assert started.started_at == now
    assert started.deadline_at is None
    assert started.allowed_seconds is None


def test_audit_learner_cannot_ask_for_proctoring(course, auditor, now):
    exam = ExamFactory(course=course, proctored=True)

    _refused("verified_track_required", exam=exam, learner=auditor, proctored=True, now=now)

    assert Attempt.objects.count() == 0


@pytest.mark.parametrize("learner_fixture", ["learner", "auditor"])
def test_any_enrolled_learner_gets_a_proctored_practice_attempt(
    request, course, now, learner_fixture
):
    who = request.getfixturevalue(learner_fixture)
    exam = ExamFactory(course=course, practice=True)

    attempt = services.attempt_create(exam=exam, learner=who, proctored=None, now=now)

    attempt.refresh_from_db()
    assert attempt.status == S.CREATED
    assert attempt.taking_as_proctored is True
    assert attempt.is_sample_attempt is True


def test_practice_exam_cannot_be_taken_without_proctoring(course, learner, now):
    exam = ExamFactory(course=course, practice=True)

    _refused("invalid_input", exam=exam, learner=learner, proctored=False, now=now)


@pytest.mark.parametrize("exam_type", [ExamType.TIMED, ExamType.PROCTORED, ExamType.PRACTICE])
def test_learner_not_enrolled_is_refused(course, now, exam_type):
    stranger = UserFactory(username="stranger")
    exam = ExamFactory(course=course, exam_type=exam_type)

    _refused("not_enrolled", exam=exam, learner=stranger, proctored=None, now=now)

    assert Attempt.objects.count() == 0


@pytest.mark.parametrize("exam_type", [ExamType.PROCTORED, ExamType.PRACTICE])
def test_proctored_types_are_refused_while_proctoring_is_disabled(learner, now, exam_type):
    course = learner.exam_enrollments.get().course
    course.proctored_exams_enabled = False
    course.save()
    exam = ExamFactory(course=course, exam_type=exam_type)

    _refused("proctoring_disabled", exam=exam, learner=learner, proctored=True, now=now)

    assert Attempt.objects.count() == 0


def test_timed_exam_is_open_while_proctoring_is_disabled(learner, now):
    course = learner.exam_enrollments.get().course
    course.proctored_exams_enabled = False
    course.save()
    exam = ExamFactory(course=course, exam_type=ExamType.TIMED)

    attempt = services.attempt_create(exam=exam, learner=learner, proctored=None, now=now)

    assert attempt.status == S.CREATED


@pytest.mark.parametrize("after_due", [timedelta(0), timedelta(seconds=1), timedelta(days=2)])
def test_create_after_the_due_date_is_refused(course, learner, now, after_due):
    exam = ExamFactory(course=course, due_at=now - after_due)

    _refused("exam_closed", exam=exam, learner=learner, proctored=None, now=now)

    assert Attempt.objects.count() == 0


def test_create_just_before_the_due_date_is_accepted(course, learner, now):
    exam = ExamFactory(course=course, due_at=now + timedelta(seconds=1))

    attempt = services.attempt_create(exam=exam, learner=learner, proctored=None, now=now)

    assert attempt.status == S.CREATED


@pytest.mark.parametrize(
    "changes", [{"is_active": False}, {"exam_type": ExamType.NONE, "time_limit_minutes": None}]
)
def test_inactive_or_ordinary_exam_is_not_found(course, learner, now, changes):
    exam = ExamFactory(course=course, **changes)

    _refused("not_found", exam=exam, learner=learner, proctored=None, now=now)


@pytest.mark.parametrize(
    ("exam_type", "proctored"),
    [
        (ExamType.TIMED, None),
        (ExamType.PROCTORED, True),
        (ExamType.PROCTORED, False),
        (ExamType.PRACTICE, None),
    ],
)
def test_repeat_create_returns_the_same_attempt_and_changes_nothing(
    course, learner, now, exam_type, proctored
):
    exam = ExamFactory(course=course, exam_type=exam_type)
    first = services.attempt_create(exam=exam, learner=learner, proctored=proctored, now=now)
    before = snapshot(first)

    again = services.attempt_create(
        exam=exam, learner=learner, proctored=proctored, now=now + timedelta(seconds=5)
    )

    assert again.pk == first.pk
    assert snapshot(first) == before
    assert Attempt.objects.count() == 1


def test_repeat_create_after_the_due_date_returns_the_existing_attempt(course, learner, now):
    exam = ExamFactory(course=course, due_at=now + timedelta(hours=1))
    first = services.attempt_create(exam=exam, learner=learner, proctored=None, now=now)

    again = services.attempt_create(
        exam=exam, learner=learner, proctored=None, now=now + timedelta(hours=2)
    )

    assert again.pk == first.pk


def test_repeat_create_of_a_started_attempt_returns_it(course, learner, now):
    exam = ExamFactory(course=course, proctored=True)
    first = services.attempt_create(exam=exam, learner=learner, proctored=False, now=now)
    services.attempt_start(attempt_id=first.pk, actor=learner, now=now)

    again = services.attempt_create(exam=exam, learner=learner, proctored=False, now=now)

    assert again.pk == first.pk
    assert again.status == S.STARTED


@pytest.mark.parametrize(("first", "second"), [(True, False), (False, True)])
def test_a_different_proctoring_choice_is_refused(course, learner, now, first, second):
    exam = ExamFactory(course=course, proctored=True)
    attempt = services.attempt_create(exam=exam, learner=learner, proctored=first, now=now)
    before = snapshot(attempt)

    _refused("attempt_exists", exam=exam, learner=learner, proctored=second, now=now)

    assert snapshot(attempt) == before
    assert Attempt.objects.count() == 1


def test_finished_practice_attempt_is_not_recreated_by_create(course, learner, now):
    exam = ExamFactory(course=course, practice=True)
    AttemptFactory(exam=exam, learner=learner, status=S.VERIFIED)

    _refused("attempt_exists", exam=exam, learner=learner, proctored=None, now=now)

    assert Attempt.objects.count() == 1


def test_attempts_of_other_learners_and_exams_do_not_count(course, learner, other_learner, now):
    exam = ExamFactory(course=course)
    theirs = services.attempt_create(exam=exam, learner=other_learner, proctored=None, now=now)
    elsewhere = ExamFactory(course=CourseFactory())
    AttemptFactory(exam=elsewhere, learner=learner)

    mine = services.attempt_create(exam=exam, learner=learner, proctored=None, now=now)

    assert mine.pk != theirs.pk
    assert mine.learner == learner
    assert mine.attempt_code != theirs.attempt_code
