"""Saving a learner's answers while the exam runs."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams import grading, timing
from exams.exceptions import DeadlinePassed, IllegalTransition, NotFound
from exams.lifecycle.engine import locked
from exams.lifecycle.grading import question_key
from exams.models import Answer, Question
from exams.selectors import question_choices_load
from exams.services.expiry import attempt_expire
from exams.statuses import IN_PROGRESS


def answer_save(
    *, attempt_id: int, question_id: int, response: Any, now: datetime | None = None
) -> Answer:
    """Save (create or replace) the learner's answer to one question of a running attempt.

    Accepted until the deadline plus a short network grace. Past that the attempt is closed
    (if nothing closed it yet) and DeadlinePassed is raised: the answer is not saved.
    """
    grace = settings.EXAMS_ANSWER_GRACE_SECONDS
    with transaction.atomic():
        attempt = locked(attempt_id)
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
        attempt_expire(attempt_id=attempt_id, now=now)
        raise DeadlinePassed()
    if attempt.status in {"timed_out"}:
        raise DeadlinePassed()
    raise IllegalTransition(
        current=attempt.status,
        target="started",
        message=_("Answers can only be saved while the exam is in progress."),
    )
