"""Reads of the exams app: the shared ones here (attempts, allowances, questions); what a
learner sees in `learner`, what course staff see in `staff`. No writes."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, prefetch_related_objects

from exams import timing
from exams.models import (
    CHOICE_KINDS,
    Allowance,
    AllowanceKind,
    Answer,
    Attempt,
    Exam,
    Question,
)

# The locked read is one of the two by hand-written SQL (exams.selectors.rows).
from exams.selectors.rows import attempt_get_locked as attempt_get_locked
from exams.statuses import IN_PROGRESS


def attempt_ids_overdue(*, now: datetime, grace_seconds: int, limit: int) -> list[int]:
    """Ids of running attempts whose deadline (plus grace) has passed, oldest deadline first."""
    cutoff = now - timedelta(seconds=grace_seconds)
    return list(
        Attempt.objects.filter(status__in=IN_PROGRESS, deadline_at__lt=cutoff)
        .order_by("deadline_at")
        .values_list("id", flat=True)[:limit]
    )


def attempts_running_for(*, learner_id: int, course_id: int, exam_id: int | None) -> list[int]:
    """Ids of the learner's timed attempts now running in the course (or in one exam)."""
    queryset = Attempt.objects.filter(
        learner_id=learner_id,
        course_id=course_id,
        status__in=IN_PROGRESS,
        deadline_at__isnull=False,
    )
    if exam_id is not None:
        queryset = queryset.filter(exam_id=exam_id)
    return list(queryset.values_list("id", flat=True))


@dataclass(frozen=True)
class EffectiveAllowances:
    """The allowances that apply to one learner in one exam at one moment."""

    additional_minutes: int = 0
    multiplier: Decimal = Decimal(1)
    review_exceptions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def gives_extra_time(self) -> bool:
        return self.additional_minutes > 0 or self.multiplier > 1

    def seconds_for(self, exam: Exam) -> int:
        """The learner's allowed time in `exam`: its time allotted with these allowances."""
        return timing.allowed_seconds(
            time_limit_minutes=exam.time_limit_minutes or 0,
            additional_minutes=self.additional_minutes,
            multiplier=self.multiplier,
        )


def allowances_in_force(*, learner_id: int, exam: Exam, now: datetime) -> QuerySet[Allowance]:
    return Allowance.objects.filter(
        Q(exam=exam) | Q(exam__isnull=True, course_id=exam.course_id),
        learner_id=learner_id,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def combine_allowances(allowances: Iterable[Allowance]) -> EffectiveAllowances:
    """Combine allowances: for time kinds, one for this exam replaces a course-wide one."""
    minutes: dict[bool, int] = {}
    multiplier: dict[bool, Decimal] = {}
    exceptions: list[str] = []
    for allowance in sorted(allowances, key=lambda a: (a.exam_id is not None, a.pk or 0)):
        specific = allowance.exam_id is not None
        if allowance.kind == AllowanceKind.ADDITIONAL_MINUTES and allowance.minutes:
            minutes[specific] = allowance.minutes
        elif allowance.kind == AllowanceKind.TIME_MULTIPLIER and allowance.multiplier:
            multiplier[specific] = allowance.multiplier
        elif allowance.kind == AllowanceKind.REVIEW_EXCEPTION and allowance.text:
            exceptions.append(allowance.text)
    return EffectiveAllowances(
        additional_minutes=minutes.get(True, minutes.get(False, 0)),
        multiplier=multiplier.get(True, multiplier.get(False, Decimal(1))),
        review_exceptions=tuple(exceptions),
    )


def allowances_effective(*, learner_id: int, exam: Exam, now: datetime) -> EffectiveAllowances:
    """The combined allowances of a learner for an exam, ignoring expired ones."""
    return combine_allowances(allowances_in_force(learner_id=learner_id, exam=exam, now=now))


def allowances_effective_by_exam(
    *, learner_id: int, exams: Iterable[Exam], now: datetime
) -> dict[int, EffectiveAllowances]:
    """`allowances_effective` for each of `exams` (of one course), in one query."""
    exams = list(exams)
    if not exams:
        return {}
    in_force = list(
        Allowance.objects.filter(learner_id=learner_id, course_id=exams[0].course_id).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
    )
    return {
        exam.pk: combine_allowances(a for a in in_force if a.exam_id in (None, exam.pk))
        for exam in exams
    }


def questions_with_choices(*, exam_id: int) -> list[Question]:
    """The exam's questions in order, the choice questions with their choices loaded (the
    others have none: read `choices` only for CHOICE_KINDS, or it costs a query each)."""
    questions = list(Question.objects.filter(exam_id=exam_id).order_by("position", "id"))
    question_choices_load(questions)
    return questions


def answers_to_grade(*, attempt_ids: list[int]) -> list[Answer]:
    """The attempts' saved answers, with what grading reads of them (id, attempt, question,
    response and score; the rest deferred)."""
    if not attempt_ids:
        return []
    return list(
        Answer.objects.filter(attempt_id__in=attempt_ids).only(
            "id", "attempt_id", "question_id", "response", "points_awarded"
        )
    )


def question_choices_load(questions: list[Question]) -> None:
    """Load the choices of those of `questions` that have choices, in one query (none if no
    question has any)."""
    prefetch_related_objects([q for q in questions if q.kind in CHOICE_KINDS], "choices")
