"""Reads of attempts and allowances: what the sweep and the allowance services pick up."""

from datetime import timedelta
from decimal import Decimal

import pytest

from exams.models import Allowance, AllowanceKind
from exams.selectors import (
    EffectiveAllowances,
    allowances_effective,
    attempt_ids_overdue,
    attempts_running_for,
    combine_allowances,
)
from exams.statuses import AttemptStatus as S
from tests.factories import AllowanceFactory, CourseFactory, ExamFactory

MINUTES = AllowanceKind.ADDITIONAL_MINUTES
MULTIPLIER = AllowanceKind.TIME_MULTIPLIER
EXCEPTION = AllowanceKind.REVIEW_EXCEPTION


def _allowance(pk, kind, exam_id=None, **values):
    return Allowance(pk=pk, kind=kind, exam_id=exam_id, **values)


def test_no_allowances_give_no_extra_time():
    assert combine_allowances([]) == EffectiveAllowances(
        additional_minutes=0, multiplier=Decimal(1), review_exceptions=()
    )


def test_exam_allowance_wins_over_course_wide_whatever_the_order():
    course_wide = _allowance(1, MINUTES, minutes=30)
    for_exam = _allowance(2, MINUTES, exam_id=7, minutes=10)
    course_multiplier = _allowance(3, MULTIPLIER, multiplier=Decimal("2"))
    exam_multiplier = _allowance(4, MULTIPLIER, exam_id=7, multiplier=Decimal("1.25"))

    combined = combine_allowances([exam_multiplier, for_exam, course_wide, course_multiplier])

    assert (combined.additional_minutes, combined.multiplier) == (10, Decimal("1.25"))


def test_review_exceptions_are_all_passed_on():
    combined = combine_allowances(
        [
            _allowance(1, EXCEPTION, text="Scribe allowed."),
            _allowance(2, EXCEPTION, exam_id=7, text="Screen reader."),
        ]
    )

    assert combined.review_exceptions == ("Scribe allowed.", "Screen reader.")


@pytest.mark.django_db
def test_allowances_effective_skips_expired_and_other_scopes(course, learner, now):
    exam = ExamFactory(course=course)
    AllowanceFactory(exam=exam, learner=learner, minutes=15, expires_at=now)
    AllowanceFactory(
        exam=None, course=course, learner=learner, kind=MULTIPLIER, minutes=None, multiplier=2
    )
    AllowanceFactory(exam=ExamFactory(course=course), learner=learner, minutes=45)
    AllowanceFactory(exam=None, course=CourseFactory(), learner=learner, minutes=50)

    effective = allowances_effective(learner_id=learner.pk, exam=exam, now=now)

    assert (effective.additional_minutes, effective.multiplier) == (0, Decimal(2))


@pytest.mark.django_db
def test_overdue_ids_are_running_past_deadline_plus_grace_oldest_first(attempt_in, course, now):
    def running(minutes_ago, status=S.STARTED):
        return attempt_in(
            status,
            proctored=False,
            exam=ExamFactory(course=course),
            deadline_at=now - timedelta(minutes=minutes_ago),
        )

    newer, older, oldest = running(5), running(30), running(60, S.READY_TO_SUBMIT)
    running(0)  # at the deadline: not overdue
    attempt_in(S.COMPLETED)

    ids = attempt_ids_overdue(now=now, grace_seconds=10, limit=10)

    assert ids == [oldest.pk, older.pk, newer.pk]
    assert attempt_ids_overdue(now=now, grace_seconds=10, limit=2) == [oldest.pk, older.pk]
    assert attempt_ids_overdue(now=now, grace_seconds=600, limit=10) == [oldest.pk, older.pk]


@pytest.mark.django_db
def test_running_attempts_for_a_learner_in_a_course_or_one_exam(
    attempt_in, course, learner, other_learner
):
    first, second = ExamFactory(course=course), ExamFactory(course=course)
    one = attempt_in(S.STARTED, proctored=False, exam=first)
    two = attempt_in(S.READY_TO_SUBMIT, proctored=False, exam=second)
    attempt_in(S.COMPLETED, proctored=False)
    attempt_in(S.STARTED, proctored=False, exam=first, learner=other_learner)

    in_course = attempts_running_for(learner_id=learner.pk, course_id=course.pk, exam_id=None)
    in_exam = attempts_running_for(learner_id=learner.pk, course_id=course.pk, exam_id=first.pk)

    assert sorted(in_course) == sorted([one.pk, two.pk])
    assert in_exam == [one.pk]
