"""Saving and grading answers."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exams import grading, timing
from exams.exceptions import DeadlinePassed, IllegalTransition, NotFound
from exams.models import Answer, Attempt, Question
from exams.selectors import attempt_get_locked, questions_with_choices
from exams.state_machine import IN_PROGRESS


def question_key(question: Question) -> grading.QuestionKey:
    choices = list(question.choices.all())
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
    now = now or timezone.now()
    grace = settings.EXAMS_ANSWER_GRACE_SECONDS
    with transaction.atomic():
        try:
            attempt = attempt_get_locked(attempt_id=attempt_id)
        except Attempt.DoesNotExist:
            raise NotFound("This attempt no longer exists.") from None
        overdue = timing.is_overdue(deadline_at=attempt.deadline_at, now=now, grace_seconds=grace)
        if attempt.status in IN_PROGRESS and not overdue:
            question = (
                Question.objects.filter(pk=question_id, exam_id=attempt.exam_id)
                .prefetch_related("choices")
                .first()
            )
            if question is None:
                raise NotFound("This question is not part of the exam.")
            cleaned = grading.clean_response(question_key(question), response)
            answer, _ = Answer.objects.update_or_create(
                attempt=attempt, question=question, defaults={"response": cleaned}
            )
            return answer
        running = attempt.status in IN_PROGRESS
    if running:
        # Close it in a transaction of its own so the refusal below does not undo the close.
        from exams.services.attempts import attempt_expire

        attempt_expire(attempt_id=attempt_id, now=now)
        raise DeadlinePassed()
    if attempt.status in {"timed_out"}:
        raise DeadlinePassed()
    raise IllegalTransition(
        current=attempt.status,
        target="started",
        message="Answers can only be saved while the exam is in progress.",
    )


def attempt_grade(attempt: Attempt, *, now: datetime) -> None:
    """Score every saved answer and store the totals on the attempt. The caller saves it.

    Runs inside the caller's transaction, with the attempt row locked.
    """
    questions = list(questions_with_choices(exam_id=attempt.exam_id))
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    earned = Decimal(0)
    possible = Decimal(0)
    changed: list[Answer] = []
    for question in questions:
        possible += question.points
        answer = answers.get(question.pk)
        if answer is None:
            continue
        answer.points_awarded = grading.score(question_key(question), answer.response)
        earned += answer.points_awarded
        changed.append(answer)
    if changed:
        Answer.objects.bulk_update(changed, ["points_awarded"])
    attempt.points_earned = earned
    attempt.points_possible = possible
    attempt.graded_at = now
