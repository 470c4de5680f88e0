"""The main learner flows through the attempt services, end to end against the database."""

from datetime import timedelta
from decimal import Decimal

import pytest

from exams import services
from exams.models import AttemptTransition
from exams.statuses import AttemptStatus as S
from tests.factories import ExamFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_timed_exam_started_answered_and_submitted_is_graded(course, learner, now):
    exam = ExamFactory(course=course, time_limit_minutes=30)
    right = QuestionFactory(exam=exam, numeric_answer=Decimal(42), points=Decimal(2))
    wrong = QuestionFactory(exam=exam, numeric_answer=Decimal(7))

    attempt = services.attempt_create(exam=exam, learner=learner, proctored=False, now=now)
    attempt = services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)
    services.answer_save(attempt_id=attempt.pk, question_id=right.pk, response="42", now=now)
    services.answer_save(attempt_id=attempt.pk, question_id=wrong.pk, response="8", now=now)
    attempt = services.attempt_submit(
        attempt_id=attempt.pk, actor=learner, now=now + timedelta(minutes=5)
    )

    assert attempt.status == S.COMPLETED
    assert attempt.deadline_at == now + timedelta(minutes=30)
    assert attempt.allowed_seconds == 1800
    assert attempt.points_earned == Decimal(2)
    assert attempt.points_possible == Decimal(3)
    assert list(
        AttemptTransition.objects.filter(attempt=attempt).values_list("from_status", "to_status")
    ) == [("", S.CREATED), (S.CREATED, S.STARTED), (S.STARTED, S.COMPLETED)]


def test_second_submit_changes_nothing(course, learner, now):
    exam = ExamFactory(course=course)
    attempt = services.attempt_create(exam=exam, learner=learner, proctored=False, now=now)
    services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)
    services.attempt_submit(attempt_id=attempt.pk, actor=learner, now=now)

    again = services.attempt_submit(
        attempt_id=attempt.pk, actor=learner, now=now + timedelta(seconds=3)
    )

    assert again.status == S.COMPLETED
    assert again.completed_at == now
    assert AttemptTransition.objects.filter(attempt=attempt).count() == 3
