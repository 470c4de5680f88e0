"""Grading's reads (the exam's questions in order with their choices, the attempts' answers
with what grading needs of them), on PostgreSQL and SQLite (marked smoke)."""

from decimal import Decimal

import pytest

from exams.models import Answer, Question, QuestionKind
from exams.selectors import answers_to_grade, questions_with_choices
from tests.factories import AttemptFactory, ChoiceFactory, ExamFactory, QuestionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def _fields(instance, names=None):
    fields = instance._meta.concrete_fields
    return {
        f.attname: getattr(instance, f.attname) for f in fields if not names or f.attname in names
    }


def test_questions_are_read_as_the_orm_reads_them_in_order():
    exam = ExamFactory()
    late = QuestionFactory(exam=exam, position=2, numeric_answer=Decimal("2.50"))
    text = QuestionFactory(exam=exam, position=1, kind=QuestionKind.TEXT, text_answers="Au\ngold")
    tied = QuestionFactory(exam=exam, position=1, kind=QuestionKind.SINGLE_CHOICE)
    right = ChoiceFactory(question=tied, is_correct=True)
    QuestionFactory(exam=ExamFactory())  # another exam's

    read = questions_with_choices(exam_id=exam.pk)

    stored = list(Question.objects.filter(exam=exam))
    assert [q.pk for q in read] == [text.pk, tied.pk, late.pk]
    assert [_fields(q) for q in read] == [_fields(q) for q in stored]
    assert [type(v) for q in read for v in _fields(q).values()] == [
        type(v) for q in stored for v in _fields(q).values()
    ]
    assert [c.pk for c in read[1].choices.all()] == [right.pk]


# Grading passes the attempt's stored exam id; ids beyond the column's range are the
# hand-written reads' concern (tests/exams/selectors/test_attempt_locked.py).
@pytest.mark.parametrize("exam_id", [123456, 0])
def test_a_missing_exam_has_no_questions(exam_id):
    assert questions_with_choices(exam_id=exam_id) == []


def test_answers_of_the_attempts_are_read_as_the_orm_reads_them():
    exam = ExamFactory()
    numeric, choice = QuestionFactory(exam=exam), QuestionFactory(exam=exam)
    first, second, other = (AttemptFactory(exam=exam, started=True) for _ in range(3))
    Answer.objects.create(attempt=first, question=numeric, response="42", points_awarded=1)
    Answer.objects.create(attempt=first, question=choice, response=[3, 1])
    Answer.objects.create(attempt=second, question=numeric, response="0.5")
    Answer.objects.create(attempt=other, question=numeric, response="7")
    names = {"id", "attempt_id", "question_id", "response", "points_awarded"}

    read = answers_to_grade(attempt_ids=[first.pk, second.pk])

    stored = Answer.objects.filter(attempt__in=[first, second])
    key = lambda a: a.pk  # noqa: E731
    assert [_fields(a, names) for a in sorted(read, key=key)] == [
        _fields(a, names) for a in sorted(stored, key=key)
    ]
    assert {type(a.points_awarded) for a in read} == {Decimal, type(None)}
    assert answers_to_grade(attempt_ids=[]) == []
    assert answers_to_grade(attempt_ids=[other.pk])[0].response == "7"
