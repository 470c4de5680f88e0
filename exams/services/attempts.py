"""The learner's, the provider's and staff's moves of an attempt through its lifecycle: a
new attempt, then one named service per move of `exams.lifecycle.moves`, each made by the
lifecycle engine (which locks, takes the no-op case first and checks the move and its maker).
"""

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from exams import integrations
from exams.exceptions import (
    AttemptExists,
    ExamClosed,
    InvalidInput,
    NotEnrolled,
    NotFound,
    NotResumable,
    OptOutNotAllowed,
    ProctoringDisabled,
    VerifiedTrackRequired,
)
from exams.lifecycle.engine import apply, locked, make
from exams.lifecycle.history import Actor, record_created
from exams.lifecycle.moves import Party as P
from exams.models import Attempt, AttemptTransition, Exam, ExamType, TransitionKind
from exams.statuses import IN_PROGRESS, LIVE, PRE_START, AttemptStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

S = AttemptStatus


def _choose_flags(exam: Exam, learner: "User", proctored: bool | None) -> tuple[bool, bool]:
    """Return (taking_as_proctored, declined) for a new attempt, or raise why it is refused."""
    if exam.exam_type == ExamType.TIMED:
        if proctored:
            raise InvalidInput(_("This exam is timed, not proctored."), field="proctored")
        return False, False
    if exam.exam_type == ExamType.PRACTICE:
        if proctored is False:
            raise InvalidInput(
                _("Practice exams are always taken with proctoring."), field="proctored"
            )
        return True, False
    # A proctored exam.
    if not integrations.is_verified(learner, exam.course):
        if proctored:
            raise VerifiedTrackRequired()
        return False, False  # an open exam: no timer, no credit
    if proctored is None:
        raise InvalidInput(_("Choose whether to take the exam with proctoring."), field="proctored")
    if not proctored and not exam.course.allow_opting_out:
        raise OptOutNotAllowed()
    return bool(proctored), not proctored


@transaction.atomic
def attempt_create(
    *,
    exam: Exam,
    learner: "User",
    proctored: bool | None,
    language: str = "",
    now: datetime | None = None,
) -> Attempt:
    """Create the learner's attempt with their proctoring choice (False on a proctored exam
    is the opt-out: the attempt is `declined` and becomes an open exam). `language` is the site
    language the learner uses: the e-mails about this attempt are written in it.

    Idempotent: the same request again returns the attempt it made. A different choice for an
    exam already attempted raises AttemptExists. Two racing creates make one attempt (the
    database's unique constraints decide; the loser gets the winner's attempt).
    """
    now = now or timezone.now()
    if not exam.is_active or exam.exam_type == ExamType.NONE:
        raise NotFound(_("This exam does not exist."))
    if not integrations.is_enrolled(learner, exam.course):
        raise NotEnrolled()
    if exam.is_proctored_type and not exam.course.proctored_exams_enabled:
        raise ProctoringDisabled()
    as_proctored, declined = _choose_flags(exam, learner, proctored)

    existing = _existing_attempt(exam, learner)
    if existing is not None:
        return _same_choice_or_refuse(existing, as_proctored, declined)
    if exam.due_at is not None and now >= exam.due_at:
        raise ExamClosed()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                exam=exam,
                course_id=exam.course_id,
                learner=learner,
                taking_as_proctored=as_proctored,
                is_sample_attempt=exam.is_practice,
                language=language,
            )
    except IntegrityError:
        existing = _existing_attempt(exam, learner)
        if existing is None:
            raise
        return _same_choice_or_refuse(existing, as_proctored, declined)
    record_created(attempt, actor=learner, at=now)
    if declined:
        apply("decline", attempt, party=P.LEARNER, actor=learner, now=now)
    return attempt


def _existing_attempt(exam: Exam, learner: "User") -> Attempt | None:
    attempts = Attempt.objects.filter(exam=exam, learner=learner)
    if exam.is_practice:
        # One query, so one snapshot: a racing create may commit between two queries, and
        # "no live attempt" then "some attempt" would refuse the winner's live attempt.
        first = attempts.order_by(
            Case(When(status__in=LIVE, then=Value(0)), default=Value(1))
        ).first()
        if first is None or first.status in LIVE:
            return first
        raise AttemptExists(_("Use 'try again' to start a new practice attempt."))
    return attempts.first()


def _same_choice_or_refuse(attempt: Attempt, as_proctored: bool, declined: bool) -> Attempt:
    same = attempt.taking_as_proctored == as_proctored and (
        (attempt.status == S.DECLINED) == declined or attempt.status != S.CREATED
    )
    if not same:
        raise AttemptExists()
    return attempt


@transaction.atomic
def attempt_setup_begin(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """The learner agreed to proctoring and began the software setup.

    Only from `created`: after an error only staff may send the learner back (attempt_resume).
    """
    return make("begin_setup", attempt_id=attempt_id, party=P.LEARNER, actor=actor, now=now)


@transaction.atomic
def attempt_mark_ready(
    *, attempt_id: int, actor: Actor = None, now: datetime | None = None
) -> Attempt:
    """The provider confirmed the learner's setup checks: the learner may start.

    Only from `download_software_clicked`: an errored attempt waits for a staff resume.
    """
    return make("mark_ready", attempt_id=attempt_id, party=P.PROVIDER, actor=actor, now=now)


@transaction.atomic
def attempt_start(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """Start (or, after a staff resume, restart) the clock.

    The deadline is stored once: start + allowed time (time allotted plus allowances), cut at
    the due date; after an error the learner gets the seconds that remained. A running attempt
    is returned unchanged, so a double click can never push the deadline back.
    """
    return make("start", attempt_id=attempt_id, party=P.LEARNER, actor=actor, now=now)


@transaction.atomic
def attempt_stop(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """The learner asked to end the exam and is asked to confirm; the clock keeps running."""
    return make("stop", attempt_id=attempt_id, party=P.LEARNER, actor=actor, now=now)


@transaction.atomic
def attempt_continue(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """The learner chose 'continue working' instead of ending the exam."""
    return make("continue", attempt_id=attempt_id, party=P.LEARNER, actor=actor, now=now)


@transaction.atomic
def attempt_submit(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """The learner ends the exam; every saved answer is graded.

    An attempt that already ended is returned unchanged. Past the deadline the attempt is
    closed as timed out, at its deadline.
    """
    return make("submit", attempt_id=attempt_id, party=P.LEARNER, actor=actor, now=now)


@transaction.atomic
def attempt_error(
    *,
    attempt_id: int,
    actor: Actor,
    now: datetime | None = None,
    reason: str = "",
    by_learner: bool = False,
) -> Attempt:
    """The proctoring software crashed or was closed: stop the exam with status error.

    Saved answers stay. The seconds that remained are kept for a staff resume. An attempt
    whose time had already run out is closed as timed out instead. The learner's page may
    report this only before the exam ends (`by_learner`); after that only the provider may
    (a failed upload).
    """
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock
    if not by_learner:
        return apply("fail", attempt, party=P.PROVIDER, actor=actor, now=now, reason=reason)
    refusal = None
    if attempt.status not in IN_PROGRESS | PRE_START:
        refusal = _("The exam has ended; the proctoring software can no longer stop it.")
    return apply(
        "software_stopped",
        attempt,
        party=P.LEARNER,
        actor=actor,
        now=now,
        reason=reason,
        refusal=refusal,
    )


@transaction.atomic
def attempt_resume(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """Staff let a learner whose exam stopped with an error go on (course staff or support).

    Before the exam began the learner sets up the software again; after, they start again
    with the seconds that remained. Only attempts that errored before they ended qualify. Past
    the due date the attempt is closed as timed out instead, and its saved answers graded.
    """
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock
    if _was_just_resumed(attempt):
        return attempt
    if attempt.status != S.ERROR or attempt.completed_at is not None:
        raise NotResumable()
    due_at = attempt.exam.due_at
    if attempt.started_at is None:
        verb = "resume_setup"
    elif due_at is not None and now >= due_at:
        verb = "resume_too_late"
    else:
        verb = "resume"
    return apply(verb, attempt, party=P.STAFF, actor=actor, now=now)


def _was_just_resumed(attempt: Attempt) -> bool:
    """True if the attempt's last move was a staff resume (so a repeated resume is a no-op)."""
    if attempt.status not in (S.READY_TO_START, S.DOWNLOAD_SOFTWARE_CLICKED):
        return False
    last = (
        AttemptTransition.objects.filter(attempt=attempt, kind=TransitionKind.STATUS)
        .order_by("-at", "-id")
        .values_list("from_status", "to_status")
        .first()
    )
    return last == (S.ERROR, attempt.status)
