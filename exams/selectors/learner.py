"""What a learner sees: attempt summaries, the choices an exam offers, progress and credit.

Frozen dataclasses, computed from models with a constant number of queries.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from exams import grading, integrations, timing
from exams.models import Attempt, Course, Exam, ExamType
from exams.selectors import (
    EffectiveAllowances,
    allowances_effective,
    allowances_effective_by_exam,
)
from exams.selectors.attempt_shape import AttemptSummary
from exams.statuses import FINISHED, IN_PROGRESS, LIVE, AttemptStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

S = AttemptStatus

# A proctored attempt that ended and whose review result has not come back.
AWAITING_REVIEW = FINISHED - {S.VERIFIED, S.REJECTED}

REVIEW_LABELS = {
    S.VERIFIED: _("Satisfactory"),
    S.REJECTED: _("Unsatisfactory"),
}

# What a learner reads for their attempt's status: a sentence, never an internal status word.
LEARNER_STATUS_LABELS = {
    S.CREATED: _("Not started"),
    S.DOWNLOAD_SOFTWARE_CLICKED: _("Setting up the proctoring software"),
    S.READY_TO_START: _("Ready to start"),
    S.STARTED: _("In progress"),
    S.READY_TO_SUBMIT: _("In progress"),
    S.TIMED_OUT: _("Time expired; answers submitted"),
    S.COMPLETED: _("Submitted"),
    S.SUBMITTED: _("Submitted"),
    S.SECOND_REVIEW_REQUIRED: _("Pending"),
    S.VERIFIED: _("Satisfactory"),
    S.REJECTED: _("Unsatisfactory"),
    S.ERROR: _("Stopped by a proctoring problem: contact support"),
    S.DECLINED: _("Open exam chosen; not started"),
}


def review_result(attempt: Attempt) -> str | None:
    """Pending / Satisfactory / Unsatisfactory for a proctored attempt that ended, else None
    (also for practice attempts, which no one reviews)."""
    if not attempt.taking_as_proctored or attempt.is_sample_attempt:
        return None  # practice exams are not reviewed
    if attempt.status in REVIEW_LABELS:
        return str(REVIEW_LABELS[S(attempt.status)])
    if attempt.status in FINISHED:
        return str(_("Pending"))
    return None


def attempt_summary(attempt: Attempt, *, now: datetime) -> AttemptSummary:
    """Summarise an attempt (its exam must be loaded) for the learner at `now`."""
    exam = attempt.exam
    allowed = attempt.allowed_seconds
    is_timed = exam.exam_type != ExamType.PROCTORED or attempt.taking_as_proctored
    graded = attempt.graded_at is not None and attempt.points_possible is not None
    percent = None
    passed = None
    if graded and attempt.points_earned is not None and attempt.points_possible is not None:
        possible = attempt.points_possible
        percent = (
            (attempt.points_earned * 100 / possible).quantize(Decimal("0.1"))
            if possible
            else Decimal(100)
        )
        passed = grading.is_passing(
            earned=attempt.points_earned, possible=possible, passing_percent=exam.passing_percent
        )
    remaining = (
        timing.seconds_remaining(deadline_at=attempt.deadline_at, now=now)
        if attempt.status in IN_PROGRESS
        else None
    )
    return AttemptSummary(
        id=attempt.pk,
        exam_id=attempt.exam_id,
        status=attempt.status,
        status_label=str(LEARNER_STATUS_LABELS[S(attempt.status)]),
        attempt_code=attempt.attempt_code,
        taking_as_proctored=attempt.taking_as_proctored,
        is_sample_attempt=attempt.is_sample_attempt,
        is_timed=is_timed,
        started_at=attempt.started_at,
        deadline_at=attempt.deadline_at,
        completed_at=attempt.completed_at,
        server_time=now,
        time_remaining_seconds=remaining,
        allowed_seconds=allowed,
        allowed_minutes=(Decimal(allowed) / 60).quantize(Decimal("0.01")) if allowed else None,
        warning_seconds=timing.warning_thresholds(allowed) if allowed and is_timed else None,
        cut_by_due_date=attempt.cut_by_due_date,
        paused_remaining_seconds=attempt.paused_remaining_seconds,
        review_result=review_result(attempt),
        score_percent=percent,
        passed=passed,
    )


def attempt_current(*, exam: Exam, learner_id: int) -> Attempt | None:
    """The learner's attempt that matters now: the live one, else the latest."""
    attempts = list(
        Attempt.objects.select_related("exam__course")
        .filter(exam=exam, learner_id=learner_id)
        .order_by("-created", "-id")[:5]
    )
    for attempt in attempts:
        if attempt.status in LIVE:
            return attempt
    return attempts[0] if attempts else None


# What a learner may choose on an exam's entrance, before any attempt exists.
OFFER_START = "start"  # timed exam
OFFER_PROCTORED = "proctored"  # take it with online proctoring (also practice)
OFFER_OPT_OUT = "opt_out"  # take it without proctoring (open exam, final)
OFFER_OPEN = "open"  # audit learner: open exam, no timer, no credit


@dataclass(frozen=True)
class LearnerTime:
    """The time this learner has for an exam not yet started: the time allotted with their
    allowances, cut at the due date if they started now."""

    seconds: int
    with_allowances: bool
    cut_by_due_date: bool


@dataclass(frozen=True)
class ExamForLearner:
    exam: Exam
    attempt: AttemptSummary | None
    offers: tuple[str, ...]
    is_closed: bool
    is_verified: bool
    # The learner's own time if they start now (None for an exam with no clock for them).
    time: LearnerTime | None = None


def learner_time(
    *, exam: Exam, extra: EffectiveAllowances, offers: tuple[str, ...], now: datetime
) -> LearnerTime | None:
    """What a learner who starts now gets; None when what they are offered has no clock."""
    if exam.exam_type == ExamType.NONE or offers == (OFFER_OPEN,):
        return None
    seconds = extra.seconds_for(exam)
    end = timing.deadline(start=now, seconds=seconds, due_at=exam.due_at)
    return LearnerTime(
        seconds=end.seconds_from(now),
        with_allowances=extra.gives_extra_time,
        cut_by_due_date=end.cut_by_due_date,
    )


def exam_offers(*, exam: Exam, verified: bool) -> tuple[str, ...]:
    if exam.exam_type == ExamType.TIMED:
        return (OFFER_START,)
    if exam.exam_type == ExamType.PRACTICE:
        return (OFFER_PROCTORED,)
    if not verified:
        return (OFFER_OPEN,)
    if exam.course.allow_opting_out:
        return (OFFER_PROCTORED, OFFER_OPT_OUT)
    return (OFFER_PROCTORED,)


def exam_for_learner(
    *, exam: Exam, learner: "User", attempt: Attempt | None, now: datetime
) -> ExamForLearner:
    """The exam as this learner sees it now, given their current attempt (see attempt_current)."""
    verified = integrations.is_verified(learner, exam.course)
    closed = exam.due_at is not None and now >= exam.due_at
    offers: tuple[str, ...] = ()
    time = None
    if attempt is None and not closed:
        offers = exam_offers(exam=exam, verified=verified)
        extra = allowances_effective(learner_id=learner.pk, exam=exam, now=now)
        time = learner_time(exam=exam, extra=extra, offers=offers, now=now)
    return ExamForLearner(
        exam=exam,
        attempt=attempt_summary(attempt, now=now) if attempt else None,
        offers=offers,
        is_closed=closed,
        is_verified=verified,
        time=time,
    )


def exams_for_learner(*, course: Course, learner: "User", now: datetime) -> list[ExamForLearner]:
    """Every active special exam of the course with the learner's attempt and time: three
    queries (and the course directory's)."""
    exams = list(
        Exam.objects.select_related("course")
        .filter(course=course, is_active=True)
        .exclude(exam_type=ExamType.NONE)
        .order_by("position", "id")
    )
    latest: dict[int, Attempt] = {}
    attempts = (
        Attempt.objects.select_related("exam__course")
        .filter(exam__in=exams, learner_id=learner.pk)
        .order_by("created", "id")
    )
    for attempt in attempts:
        current = latest.get(attempt.exam_id)
        if current is None or current.status not in LIVE:
            latest[attempt.exam_id] = attempt
    verified = integrations.is_verified(learner, course)
    allowances = allowances_effective_by_exam(learner_id=learner.pk, exams=exams, now=now)
    result = []
    for exam in exams:
        current = latest.get(exam.pk)
        closed = exam.due_at is not None and now >= exam.due_at
        offers = exam_offers(exam=exam, verified=verified) if current is None and not closed else ()
        time = None
        if current is None and not closed:
            time = learner_time(exam=exam, extra=allowances[exam.pk], offers=offers, now=now)
        result.append(
            ExamForLearner(
                exam=exam,
                attempt=attempt_summary(current, now=now) if current else None,
                offers=offers,
                is_closed=closed,
                is_verified=verified,
                time=time,
            )
        )
    return result


def running_attempt_in_course(*, course: Course, learner_id: int) -> Attempt | None:
    """The learner's timed attempt running in this course, for the 'timer keeps running' banner."""
    return (
        Attempt.objects.select_related("exam__course")
        .filter(course=course, learner_id=learner_id, status__in=IN_PROGRESS)
        .order_by("deadline_at")
        .first()
    )


@dataclass(frozen=True)
class ProgressRow:
    exam: Exam
    attempt: AttemptSummary | None
    proctoring_result: str
    grade_percent: Decimal | None
    passed: bool | None
    credit_met: bool
    # The proctoring review has not come back yet: the credit requirement is undecided.
    credit_pending: bool


def progress_for_learner(*, course: Course, learner: "User", now: datetime) -> list[ProgressRow]:
    """Per proctored exam: proctoring result, grade, and whether the credit requirement is met
    (proctored, Satisfactory, and a passing grade)."""
    rows = []
    for item in exams_for_learner(course=course, learner=learner, now=now):
        if item.exam.exam_type != ExamType.PROCTORED:
            continue
        summary = item.attempt
        if summary is None:
            result = str(_("Not taken"))
        elif not summary.taking_as_proctored:
            result = str(_("Not proctored (no credit)"))
        else:
            result = summary.review_result or summary.status_label
        awaiting_review = bool(
            summary and summary.taking_as_proctored and summary.status in AWAITING_REVIEW
        )
        credit = bool(
            summary
            and summary.taking_as_proctored
            and summary.status == S.VERIFIED
            and summary.passed
        )
        rows.append(
            ProgressRow(
                exam=item.exam,
                attempt=summary,
                proctoring_result=result,
                grade_percent=summary.score_percent if summary else None,
                passed=summary.passed if summary else None,
                credit_met=credit,
                credit_pending=awaiting_review,
            )
        )
    return rows
