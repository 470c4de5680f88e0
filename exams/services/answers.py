"""Saving and grading answers."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams import grading, timing
from exams.exceptions import DeadlinePassed, IllegalTransition, NotFound
from exams.models import CHOICE_KINDS, Answer, Attempt, Question
from exams.selectors import (
    answers_to_grade,
    attempt_get_locked,
    question_choices_load,
    questions_with_choices,
)
from exams.services.rows import ColumnSet
from exams.state_machine import IN_PROGRESS


def question_key(question: Question) -> grading.QuestionKey:
    choices = list(question.choices.all()) if question.kind in CHOICE_KINDS else []
    return grading.QuestionKey(
        kind=question.kind,
        points=question.points,
        correct_choice_ids=frozenset(c.pk for c in choices if c.is_correct),
        all_choice_ids=frozenset(c.pk for c in choices),
        numeric_answer=question.numeric_answer,
        numeric_tolerance=question.numeric_tolerance,
        text_answers=tuple(a for a in question.text_answers.splitlines() if a.strip()),
    )


def answer_save(
    *, attempt_id: int, question_id: int, response: Any, now: datetime | None = None
) -> Answer:
    """Save (create or replace) the learner's answer to one question of a running attempt.

    Accepted until the deadline plus a short network grace. Past that the attempt is closed
    (if nothing closed it yet) and DeadlinePassed is raised: the answer is not saved.
    """
    grace = settings.EXAMS_ANSWER_GRACE_SECONDS
    with transaction.atomic():
        try:
            attempt = attempt_get_locked(attempt_id=attempt_id)
        except Attempt.DoesNotExist:
            raise NotFound(_("This attempt no longer exists.")) from None
        # After the lock: an answer that waited for a submit is judged at the time it is saved.
        now = now or timezone.now()
        overdue = timing.is_overdue(deadline_at=attempt.deadline_at, now=now, grace_seconds=grace)
        if attempt.status in IN_PROGRESS and not overdue:
            question = Question.objects.filter(pk=question_id, exam_id=attempt.exam_id).first()
            if question is None:
                raise NotFound(_("This question is not part of the exam."))
            question_choices_load([question])
            cleaned = grading.clean_response(question_key(question), response)
            answer, _created = Answer.objects.update_or_create(
                attempt=attempt, question=question, defaults={"response": cleaned}
            )
            return answer
        running = attempt.status in IN_PROGRESS
    if running:
        # Close it in a transaction of its own so the refusal below does not undo the close.
        from exams.services.expiry import attempt_expire

        attempt_expire(attempt_id=attempt_id, now=now)
        raise DeadlinePassed()
    if attempt.status in {"timed_out"}:
        raise DeadlinePassed()
    raise IllegalTransition(
        current=attempt.status,
        target="started",
        message=_("Answers can only be saved while the exam is in progress."),
    )


def attempts_grade(attempts: list[Attempt], *, now: datetime) -> None:
    """Score every saved answer of the attempts and store the totals on each. The caller saves
    the attempts; answers are saved here.

    Runs inside the caller's transaction, with the attempt rows locked. The queries do not grow
    with the number of attempts: questions once per exam, answers in one query, and one update
    per distinct new score.
    """
    if not attempts:
        return
    keys: dict[int, list[tuple[int, grading.QuestionKey]]] = {}
    for exam_id in {a.exam_id for a in attempts}:
        keys[exam_id] = [(q.pk, question_key(q)) for q in questions_with_choices(exam_id=exam_id)]
    answers: dict[tuple[int, int], Answer] = {
        (a.attempt_id, a.question_id): a
        for a in answers_to_grade(attempt_ids=[attempt.pk for attempt in attempts])
    }
    # Answers to rescore, by their new score: scores take few values (a question's points,
    # zero, a part), and one UPDATE per value is cheaper than Django's bulk_update, which
    # spends longer building its CASE than the database spends running it.
    rescored: dict[Decimal, list[int]] = defaultdict(list)
    for attempt in attempts:
        earned = Decimal(0)
        possible = Decimal(0)
        for question_id, key in keys[attempt.exam_id]:
            possible += key.points
            answer = answers.get((attempt.pk, question_id))
            if answer is None:
                continue
            points = grading.score(key, answer.response)
            if points != answer.points_awarded:
                answer.points_awarded = points
                rescored[points].append(answer.pk)
            earned += points
        attempt.points_earned = earned
        attempt.points_possible = possible
        attempt.graded_at = now
    for points, answer_ids in rescored.items():
        _score_update(connection.vendor, len(answer_ids)).run(points, answer_ids)


@lru_cache(maxsize=32)
def _score_update(vendor: str, count: int) -> ColumnSet:
    """`Answer.objects.filter(pk__in=ids).update(points_awarded=points)` for `count` ids, by
    SQL written once: every submit runs it (see exams.services.rows)."""
    return ColumnSet.of(Answer, "points_awarded", count)
