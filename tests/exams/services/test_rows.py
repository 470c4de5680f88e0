"""The hand-written writes (the history row, a closing attempt's columns, answers' scores) write
what the ORM writes (PostgreSQL and SQLite: marked smoke)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError
from django.utils import timezone

from exams.lifecycle.closing import CLOSED_FIELDS
from exams.lifecycle.rows import ColumnSet, RowInsert, RowUpdate
from exams.models import Answer, Attempt, AttemptTransition, TransitionKind
from exams.statuses import AttemptStatus as S
from tests.factories import AttemptFactory, ExamFactory, QuestionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def _fields(instance, *, without=("id",)):
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in without
    }


def test_insert_writes_the_row_create_writes(learner, django_assert_num_queries):
    attempt = AttemptFactory(started=True)
    at = timezone.now().replace(microsecond=123456)
    values = dict(
        attempt=attempt,
        attempt_code=attempt.attempt_code,
        kind=TransitionKind.STATUS,
        from_status=S.STARTED,
        to_status=S.COMPLETED,
        deadline_at=at + timedelta(minutes=30),
        actor=learner,
        at=at,
        reason="ended by the learner",
    )
    by_orm = AttemptTransition.objects.create(**values)

    with django_assert_num_queries(1):
        RowInsert.of(AttemptTransition).run(AttemptTransition(**values))

    written = AttemptTransition.objects.exclude(pk=by_orm.pk).get(attempt=attempt)
    assert _fields(written) == _fields(AttemptTransition.objects.get(pk=by_orm.pk))
    assert written.at == at and written.actor_id == learner.pk


def test_insert_writes_nulls_and_defaults():
    attempt = AttemptFactory()

    RowInsert.of(AttemptTransition).run(
        AttemptTransition(
            attempt=attempt,
            attempt_code=attempt.attempt_code,
            to_status=S.CREATED,
            at=timezone.now(),
        )
    )

    row = AttemptTransition.objects.get(attempt=attempt)
    assert (row.actor_id, row.deadline_at, row.from_status, row.reason) == (None, None, "", "")
    assert row.kind == AttemptTransition._meta.get_field("kind").default


def test_update_writes_what_save_with_update_fields_writes(django_assert_num_queries):
    by_orm, by_hand = AttemptFactory(started=True), AttemptFactory(started=True)
    before = Attempt.objects.get(pk=by_hand.pk).modified
    now = timezone.now()
    for attempt in (by_orm, by_hand):
        attempt.status = S.COMPLETED
        attempt.completed_at = now
        attempt.points_earned = Decimal("3.50")
        attempt.points_possible = Decimal(5)
        attempt.graded_at = now
    by_orm.save(update_fields=CLOSED_FIELDS)

    with django_assert_num_queries(1):
        RowUpdate.of(Attempt, CLOSED_FIELDS).run(by_hand)

    stored = Attempt.objects.get(pk=by_hand.pk)
    expected = Attempt.objects.get(pk=by_orm.pk)
    changed = {"status", "completed_at", "points_earned", "points_possible", "graded_at"}
    assert {k: v for k, v in _fields(stored).items() if k in changed} == {
        k: v for k, v in _fields(expected).items() if k in changed
    }
    assert stored.modified > before  # `modified` moves, as save() moves it
    assert stored.modified == by_hand.modified
    assert stored.deadline_at == by_hand.deadline_at  # columns not named stay


def test_update_of_a_row_that_is_gone_raises():
    attempt = AttemptFactory(started=True)
    Attempt.objects.filter(pk=attempt.pk).delete()

    with pytest.raises(DatabaseError):
        RowUpdate.of(Attempt, CLOSED_FIELDS).run(attempt)


def test_column_set_writes_what_a_queryset_update_writes(django_assert_num_queries):
    exam = ExamFactory()
    questions = [QuestionFactory(exam=exam) for _ in range(3)]
    by_orm, by_hand = AttemptFactory(exam=exam), AttemptFactory(exam=exam)
    answers = {
        attempt: [
            Answer.objects.create(attempt=attempt, question=q, response="1") for q in questions
        ]
        for attempt in (by_orm, by_hand)
    }
    Answer.objects.filter(pk__in=[a.pk for a in answers[by_orm][:2]]).update(
        points_awarded=Decimal("0.75")
    )

    with django_assert_num_queries(1):
        ColumnSet.of(Answer, "points_awarded", 2).run(
            Decimal("0.75"), [a.pk for a in answers[by_hand][:2]]
        )

    def scores(attempt):
        return list(
            attempt.answers.order_by("question_id").values_list("points_awarded", flat=True)
        )

    assert scores(by_hand) == scores(by_orm) == [Decimal("0.75"), Decimal("0.75"), None]


def test_insert_refuses_an_unsaved_related_object_as_create_does():
    unsaved = Attempt(exam=AttemptFactory().exam)
    values = dict(attempt=unsaved, attempt_code="X", to_status=S.CREATED, at=timezone.now())

    with pytest.raises(ValueError):
        AttemptTransition.objects.create(**values)
    with pytest.raises(ValueError):
        RowInsert.of(AttemptTransition).run(AttemptTransition(**values))

    assert not AttemptTransition.objects.filter(attempt_code="X").exists()
