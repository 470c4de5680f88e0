"""Grading a closing attempt: every saved answer scored, the totals stored on the attempt."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from exams import grading
from exams.models import CHOICE_KINDS, Answer, Attempt, Question
from exams.selectors import answers_to_grade, questions_with_choices


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
        Answer.objects.filter(pk__in=answer_ids).update(points_awarded=points)
