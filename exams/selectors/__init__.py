"""Reads of the exams app: the shared ones here (attempts, allowances, questions); what a
learner sees in `learner`, what course staff see in `staff`. No writes."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from typing import cast

from django.db import connection
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.db.transaction import TransactionManagementError

from exams import timing
from exams.models import (
    CHOICE_KINDS,
    Allowance,
    AllowanceKind,
    Answer,
    Attempt,
    Course,
    Exam,
    Question,
)
from exams.selectors.rows import RowQuery, Table
from exams.statuses import IN_PROGRESS


@cache
def _locked_query(vendor: str) -> RowQuery:
    attempts, exams, courses = Table.of(Attempt, "a"), Table.of(Exam, "e"), Table.of(Course, "c")
    # SQLite has no row locks: a writer there holds the whole database.
    lock = " FOR UPDATE OF a" if connection.features.has_select_for_update_of else ""
    return RowQuery.build(
        (attempts, exams, courses),
        f"FROM {attempts.name}"
        f" JOIN {exams.name} ON {exams.column('id')} = {attempts.column('exam_id')}"
        f" JOIN {courses.name} ON {courses.column('id')} = {exams.column('course_id')}"
        f" WHERE {attempts.column('id')} = %s{lock}",
        keys=(attempts.field("id"),),
    )


def attempt_get_locked(*, attempt_id: int) -> Attempt:
    """Return the attempt with its exam and course, holding its row lock until commit.

    What `select_related("exam__course").select_for_update(of=("self",))` reads, by SQL
    written once (every learner action runs it; see exams.selectors.rows). Must run inside a
    transaction. Raises Attempt.DoesNotExist when it is gone (cleared).
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("attempt_get_locked needs a transaction.")
    row = _locked_query(connection.vendor).fetch_one([attempt_id])
    if row is None:
        raise Attempt.DoesNotExist(f"No attempt {attempt_id}.")
    attempt, exam, course = row
    assert isinstance(attempt, Attempt) and isinstance(exam, Exam) and isinstance(course, Course)
    exam.course = course
    attempt.exam = exam
    return attempt


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


@cache
def _questions_query(vendor: str) -> RowQuery:
    questions = Table.of(Question, "q")
    return RowQuery.build(
        (questions,),
        f"FROM {questions.name} WHERE {questions.column('exam_id')} = %s"
        f" ORDER BY {questions.column('position')}, {questions.column('id')}",
        keys=(questions.field("exam_id"),),
    )


def questions_with_choices(*, exam_id: int) -> list[Question]:
    """The exam's questions in order, the choice questions with their choices loaded (the
    others have none: read `choices` only for CHOICE_KINDS, or it costs a query each).

    `Question.objects.filter(exam_id=exam_id)` by SQL written once: grading runs it on every
    submit (see exams.selectors.rows)."""
    rows = _questions_query(connection.vendor).fetch_all([exam_id])
    questions = [cast(Question, question) for (question,) in rows]
    question_choices_load(questions)
    return questions


@lru_cache(maxsize=32)
def _answers_query(vendor: str, count: int) -> RowQuery:
    answers = Table.of(
        Answer, "s", ("id", "attempt_id", "question_id", "response", "points_awarded")
    )
    marks = ", ".join(["%s"] * count)
    return RowQuery.build(
        (answers,),
        f"FROM {answers.name} WHERE {answers.column('attempt_id')} IN ({marks})",
        keys=(answers.field("attempt_id"),) * count,
    )


def answers_to_grade(*, attempt_ids: list[int]) -> list[Answer]:
    """The attempts' saved answers, with what grading reads of them (id, attempt, question,
    response and score; the rest deferred). By SQL written once per number of attempts:
    grading runs it on every submit (see exams.selectors.rows)."""
    if not attempt_ids:
        return []
    rows = _answers_query(connection.vendor, len(attempt_ids)).fetch_all(attempt_ids)
    return [cast(Answer, answer) for (answer,) in rows]


def question_choices_load(questions: list[Question]) -> None:
    """Load the choices of those of `questions` that have choices, in one query (none if no
    question has any)."""
    prefetch_related_objects([q for q in questions if q.kind in CHOICE_KINDS], "choices")
