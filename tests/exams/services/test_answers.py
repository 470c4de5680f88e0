"""answer_save and grading: answers count until the deadline plus a short grace, never after."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from exams import services
from exams.exceptions import DomainError
from exams.models import Answer, QuestionKind
from exams.statuses import AttemptStatus as S
from tests.exams.helpers import history_of, snapshot
from tests.factories import ChoiceFactory, ExamFactory, QuestionFactory

pytestmark = pytest.mark.django_db

GRACE = timedelta(seconds=settings.EXAMS_ANSWER_GRACE_SECONDS)


@pytest.fixture
def running(attempt_in):
    return attempt_in(S.STARTED, proctored=False)


@pytest.fixture
def question(running):
    return QuestionFactory(exam=running.exam, numeric_answer=Decimal(42), points=Decimal(2))


def _save(attempt, question, response, now):
    return services.answer_save(
        attempt_id=attempt.pk, question_id=question.pk, response=response, now=now
    )


def _refused(code, *args):
    with pytest.raises(DomainError) as raised:
        _save(*args)
    assert raised.value.code == code


def test_answer_is_saved_while_the_exam_runs(running, question, now):
    answer = _save(running, question, " 41,5 ", now)

    answer.refresh_from_db()
    assert answer.attempt_id == running.pk
    assert answer.question_id == question.pk
    assert answer.response == "41.5"
    assert answer.points_awarded is None


def test_saving_again_replaces_the_answer(running, question, now):
    first = _save(running, question, "1", now)

    second = _save(running, question, "42", now + timedelta(minutes=1))

    assert second.pk == first.pk
    assert list(Answer.objects.values_list("response", flat=True)) == ["42"]


@pytest.mark.parametrize("after_deadline", [timedelta(0), timedelta(seconds=1), GRACE])
def test_answer_within_the_grace_is_saved(running, question, after_deadline):
    answer = _save(running, question, "42", running.deadline_at + after_deadline)

    assert answer.response == "42"
    running.refresh_from_db()
    assert running.status == S.STARTED


@pytest.mark.django_db(transaction=True)
def test_answer_after_the_grace_is_refused_and_the_attempt_is_closed(running, question):
    earlier = QuestionFactory(exam=running.exam, numeric_answer=Decimal(7), points=Decimal(1))
    _save(running, earlier, "7", running.deadline_at - timedelta(minutes=1))
    late = running.deadline_at + GRACE + timedelta(seconds=1)

    _refused("deadline_passed", running, question, "42", late)

    # the close is committed even though the call raised
    assert not transaction.get_connection().in_atomic_block
    running.refresh_from_db()
    assert running.status == S.TIMED_OUT
    assert running.completed_at == running.deadline_at
    assert running.points_earned == Decimal(1)
    assert running.points_possible == Decimal(3)
    assert list(Answer.objects.values_list("question_id", "response")) == [(earlier.pk, "7")]
    assert history_of(running)[-1] == (S.STARTED, S.TIMED_OUT)


def test_answer_to_a_timed_out_attempt_is_refused_as_too_late(attempt_in, now):
    attempt = attempt_in(S.TIMED_OUT, proctored=False)
    question = QuestionFactory(exam=attempt.exam)
    before = snapshot(attempt)

    _refused("deadline_passed", attempt, question, "42", now)

    assert snapshot(attempt) == before
    assert Answer.objects.count() == 0


@pytest.mark.parametrize(
    "status", [S.CREATED, S.READY_TO_START, S.COMPLETED, S.SUBMITTED, S.ERROR, S.VERIFIED]
)
def test_answer_outside_a_running_exam_is_refused(attempt_in, now, status):
    attempt = attempt_in(status)
    question = QuestionFactory(exam=attempt.exam)
    before = snapshot(attempt)

    _refused("illegal_transition", attempt, question, "42", now)

    assert snapshot(attempt) == before
    assert Answer.objects.count() == 0


def test_answer_to_a_question_of_another_exam_is_not_found(running, course, now):
    elsewhere = QuestionFactory(exam=ExamFactory(course=course))

    _refused("not_found", running, elsewhere, "42", now)

    assert Answer.objects.count() == 0


def test_malformed_answer_is_refused_and_nothing_saved(running, question, now):
    _refused("invalid_input", running, question, "forty-two", now)

    assert Answer.objects.count() == 0


def test_answer_to_a_cleared_attempt_is_not_found(running, question, instructor, now):
    services.attempt_clear(attempt_id=running.pk, actor=instructor, now=now)

    _refused("not_found", running, question, "42", now)


def test_open_exam_accepts_answers_without_a_deadline(course, auditor, now):
    exam = ExamFactory(course=course, proctored=True)
    question = QuestionFactory(exam=exam)
    attempt = services.attempt_create(exam=exam, learner=auditor, proctored=None, now=now)
    services.attempt_start(attempt_id=attempt.pk, actor=auditor, now=now)

    answer = _save(attempt, question, "42", now + timedelta(days=5))

    assert answer.response == "42"


def test_submit_grades_every_kind_of_question(running, now):
    exam = running.exam
    single = QuestionFactory(exam=exam, kind=QuestionKind.SINGLE_CHOICE, points=Decimal(1))
    right = ChoiceFactory(question=single, is_correct=True)
    ChoiceFactory(question=single)
    multiple = QuestionFactory(exam=exam, kind=QuestionKind.MULTIPLE_CHOICE, points=Decimal(2))
    a, b = ChoiceFactory(question=multiple, is_correct=True), ChoiceFactory(question=multiple)
    text = QuestionFactory(
        exam=exam, kind=QuestionKind.TEXT, text_answers="Ada Lovelace\n", points=Decimal(3)
    )
    numeric = QuestionFactory(
        exam=exam, numeric_answer=Decimal("9.8"), numeric_tolerance=Decimal("0.1")
    )
    _save(running, single, [right.pk], now)
    _save(running, multiple, [a.pk, b.pk], now)
    _save(running, text, "  ada lovelace ", now)
    _save(running, numeric, "9.75", now)

    done = services.attempt_submit(attempt_id=running.pk, actor=running.learner, now=now)

    assert done.status == S.COMPLETED
    assert done.points_earned == Decimal(5)
    assert done.points_possible == Decimal(7)
    assert done.graded_at == now
    assert dict(Answer.objects.values_list("question_id", "points_awarded")) == {
        single.pk: Decimal(1),
        multiple.pk: Decimal(0),
        text.pk: Decimal(3),
        numeric.pk: Decimal(1),
    }


def test_grading_writes_one_update_per_distinct_score(running, now, django_assert_num_queries):
    exam = running.exam
    questions = [QuestionFactory(exam=exam, numeric_answer=Decimal(n)) for n in range(6)]
    for n, q in enumerate(questions):
        _save(running, q, str(n if n % 2 else n + 100), now)  # three right, three wrong

    # lock, history row, questions (no choice question: no choice query), answers,
    # one update for the right answers and one for the wrong, the attempt
    with django_assert_num_queries(7 + 2):  # + the savepoint around it, and its release
        services.attempt_submit(attempt_id=running.pk, actor=running.learner, now=now)

    awarded = dict(Answer.objects.values_list("question_id", "points_awarded"))
    assert awarded == {q.pk: Decimal(n % 2) for n, q in enumerate(questions)}


def test_regrading_rewrites_only_the_scores_that_changed(running, now):
    from exams.lifecycle.grading import attempts_grade

    exam = running.exam
    first, second = (QuestionFactory(exam=exam, numeric_answer=Decimal(n)) for n in (1, 2))
    _save(running, first, "1", now)
    _save(running, second, "2", now)
    attempts_grade([running], now=now)
    second.numeric_answer = Decimal(3)
    second.save()

    with CaptureQueriesContext(connection) as captured:
        attempts_grade([running], now=now)

    updates = [q["sql"] for q in captured if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert dict(Answer.objects.values_list("question_id", "points_awarded")) == {
        first.pk: Decimal(1),
        second.pk: Decimal(0),
    }
    assert running.points_earned == Decimal(1)


def test_saving_a_numeric_answer_reads_no_choices(running, question, now):
    with CaptureQueriesContext(connection) as captured:
        _save(running, question, "42", now)

    assert not [q for q in captured if "exams_choice" in q["sql"]]
