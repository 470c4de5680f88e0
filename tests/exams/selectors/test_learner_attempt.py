"""The learner's attempt by hand-written query reads what the ORM would read, on PostgreSQL and
SQLite (marked smoke, so `make test` runs it on both)."""

from decimal import Decimal

import pytest

from exams.models import Attempt
from exams.selectors.attempt_shape import ATTEMPT_COLUMNS
from exams.selectors.rows import attempt_of_learner
from tests.factories import AttemptFactory, ExamFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_reads_the_attempt_its_exam_and_learner_as_the_orm_does(course):
    exam = ExamFactory(course=course, passing_percent=Decimal("62.50"))
    attempt = AttemptFactory(exam=exam, graded=True, cut_by_due_date=True)
    stored = Attempt.objects.select_related("exam", "learner").get(pk=attempt.pk)

    read = attempt_of_learner(attempt_id=attempt.pk, learner_id=attempt.learner_id)

    assert read is not None
    for name in ATTEMPT_COLUMNS:
        assert getattr(read, name) == getattr(stored, name), name
        assert type(getattr(read, name)) is type(getattr(stored, name)), name
    assert read.started_at.tzinfo is not None
    assert read.exam.pk == exam.pk
    assert read.exam.exam_type == stored.exam.exam_type
    assert read.exam.passing_percent == Decimal("62.5")
    assert read.learner.pk == stored.learner.pk
    assert read.learner.password == stored.learner.password
    assert read.learner.is_active is True


def test_reads_an_inactive_learner_as_inactive(course):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=UserFactory(is_active=False))

    read = attempt_of_learner(attempt_id=attempt.pk, learner_id=attempt.learner_id)

    assert read is not None
    assert read.learner.is_active is False


def test_finds_nothing_for_another_learner_or_a_missing_attempt(course):
    attempt = AttemptFactory(exam=ExamFactory(course=course))
    other = UserFactory()

    assert attempt_of_learner(attempt_id=attempt.pk, learner_id=other.pk) is None
    assert attempt_of_learner(attempt_id=attempt.pk + 1000, learner_id=attempt.learner_id) is None


def test_costs_one_query(course, django_assert_num_queries):
    attempt = AttemptFactory(exam=ExamFactory(course=course), started=True)

    with django_assert_num_queries(1):
        attempt_of_learner(attempt_id=attempt.pk, learner_id=attempt.learner_id)


@pytest.mark.parametrize("attempt_id", [2**63, -(2**63) - 1, 2**70])
def test_an_id_outside_the_columns_range_finds_nothing(course, attempt_id):
    attempt = AttemptFactory(exam=ExamFactory(course=course))

    assert attempt_of_learner(attempt_id=attempt_id, learner_id=attempt.learner_id) is None
    assert attempt_of_learner(attempt_id=attempt.pk, learner_id=attempt_id) is None
