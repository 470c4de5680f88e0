"""The learner's, the provider's and staff's moves of an attempt through its lifecycle.

Every service locks the attempt row, returns it unchanged when the move already happened
(so retries and double clicks are harmless), and otherwise makes exactly one legal move.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from exams import integrations, timing
from exams.exceptions import (
    AttemptExists,
    ExamClosed,
    IllegalTransition,
    InvalidInput,
    NotEnrolled,
    NotFound,
    NotResumable,
    OptOutNotAllowed,
    ProctoringDisabled,
    VerifiedTrackRequired,
)
from exams.models import Attempt, AttemptTransition, Exam, ExamType, TransitionKind
from exams.selectors import allowances_effective, attempt_get_locked
from exams.services.closing import close, expire_if_overdue
from exams.services.history import Actor, record_created, transition
from exams.state_machine import FINISHED, IN_PROGRESS, LIVE, PRE_START, AttemptStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

S = AttemptStatus


def locked(attempt_id: int) -> Attempt:
    """The attempt, locked for this transaction; NotFound if it is gone.

    Services read the clock after this: a call that waited for the lock records the time it
    acted, so history rows and saved answers never contradict the order they were made in."""
    try:
        return attempt_get_locked(attempt_id=attempt_id)
    except Attempt.DoesNotExist:
        raise NotFound(_("This attempt no longer exists.")) from None


def _is_timed(attempt: Attempt) -> bool:
    """An open exam (proctored exam taken without proctoring) has no clock."""
    return attempt.exam.exam_type != ExamType.PROCTORED or attempt.taking_as_proctored


def _entitled_seconds(attempt: Attempt, now: datetime) -> int:
    """The learner's allowed time for this exam now: time allotted and allowances."""
    exam = attempt.exam
    return allowances_effective(learner_id=attempt.learner_id, exam=exam, now=now).seconds_for(exam)


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
        transition(attempt, to=S.DECLINED, actor=learner, at=now, reason="chose no proctoring")
        attempt.save(update_fields=["status", "modified"])
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
    return _simple_move(
        attempt_id, S.CREATED, S.DOWNLOAD_SOFTWARE_CLICKED, actor, now, "setup begun"
    )


@transaction.atomic
def attempt_mark_ready(
    *, attempt_id: int, actor: Actor = None, now: datetime | None = None
) -> Attempt:
    """The provider confirmed the learner's setup checks: the learner may start.

    Only from `download_software_clicked`: an errored attempt waits for a staff resume.
    """
    return _simple_move(
        attempt_id,
        S.DOWNLOAD_SOFTWARE_CLICKED,
        S.READY_TO_START,
        actor,
        now,
        "provider checks passed",
    )


def _simple_move(
    attempt_id: int,
    source: AttemptStatus,
    to: AttemptStatus,
    actor: Actor,
    now: datetime | None,
    reason: str,
) -> Attempt:
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock (see locked)
    if attempt.status == to:
        return attempt
    # The table also allows error -> setup/ready, but that move is the staff resume's alone.
    if attempt.status != source:
        raise IllegalTransition(current=attempt.status, target=to)
    transition(attempt, to=to, actor=actor, at=now, reason=reason)
    attempt.save(update_fields=["status", "modified"])
    return attempt


@transaction.atomic
def attempt_start(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """Start (or, after a staff resume, restart) the clock.

    The deadline is stored once: start + allowed time (time allotted plus allowances), cut at
    the due date; after an error the learner gets the seconds that remained. A running attempt
    is returned unchanged, so a double click can never push the deadline back.
    """
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock (see locked)
    if attempt.status in IN_PROGRESS:
        return attempt
    exam = attempt.exam
    if attempt.status not in (S.CREATED, S.DECLINED, S.READY_TO_START):
        raise IllegalTransition(current=attempt.status, target=S.STARTED)
    fields = ["status", "modified", "deadline_at", "cut_by_due_date", "paused_remaining_seconds"]
    if _is_timed(attempt):
        entitled = _entitled_seconds(attempt, now)
        if attempt.paused_remaining_seconds is not None:
            # Resuming: the time that remained, plus any time granted while it was stopped.
            gained = max(0, entitled - (attempt.allowed_seconds or 0))
            seconds = attempt.paused_remaining_seconds + gained
        else:
            seconds = entitled
        if entitled != attempt.allowed_seconds:
            attempt.allowed_seconds = max(entitled, attempt.allowed_seconds or 0)
            fields.append("allowed_seconds")
        end = timing.deadline(start=now, seconds=seconds, due_at=exam.due_at)
        if end.at <= now:
            raise ExamClosed()
        attempt.deadline_at = end.at
        attempt.cut_by_due_date = end.cut_by_due_date
    elif exam.due_at is not None and now >= exam.due_at:
        raise ExamClosed()
    if attempt.started_at is None:
        attempt.started_at = now
        fields.append("started_at")
    resumed = attempt.paused_remaining_seconds is not None
    attempt.paused_remaining_seconds = None
    transition(
        attempt,
        to=S.STARTED,
        actor=actor,
        at=now,
        reason="resumed with the time that remained" if resumed else "",
    )
    attempt.save(update_fields=fields)
    return attempt


@transaction.atomic
def attempt_stop(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """The learner asked to end the exam and is asked to confirm; the clock keeps running."""
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock (see locked)
    if attempt.status == S.READY_TO_SUBMIT or expire_if_overdue(attempt, now):
        return attempt
    transition(attempt, to=S.READY_TO_SUBMIT, actor=actor, at=now)
    attempt.save(update_fields=["status", "modified"])
    return attempt


@transaction.atomic
def attempt_continue(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """The learner chose 'continue working' instead of ending the exam."""
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock (see locked)
    if attempt.status == S.STARTED or expire_if_overdue(attempt, now):
        return attempt
    if attempt.status != S.READY_TO_SUBMIT:
        raise IllegalTransition(current=attempt.status, target=S.STARTED)
    transition(attempt, to=S.STARTED, actor=actor, at=now, reason="continue working")
    attempt.save(update_fields=["status", "modified"])
    return attempt


@transaction.atomic
def attempt_submit(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """The learner ends the exam; every saved answer is graded.

    An attempt that already ended is returned unchanged. Past the deadline the attempt is
    closed as timed out, at its deadline.
    """
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock (see locked)
    if attempt.status in FINISHED:
        return attempt
    if attempt.status in IN_PROGRESS and timing.is_overdue(
        deadline_at=attempt.deadline_at, now=now
    ):
        close(attempt, to=S.TIMED_OUT, actor=None, now=now, reason="deadline passed")
        return attempt
    close(attempt, to=S.COMPLETED, actor=actor, now=now)
    return attempt


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
    now = now or timezone.now()  # after the lock (see locked)
    if attempt.status == S.ERROR or expire_if_overdue(attempt, now):
        return attempt
    if by_learner and attempt.status not in IN_PROGRESS | PRE_START:
        raise IllegalTransition(
            current=attempt.status,
            target=S.ERROR,
            message=_("The exam has ended; the proctoring software can no longer stop it."),
        )
    running = attempt.status in IN_PROGRESS
    remaining = timing.seconds_remaining(deadline_at=attempt.deadline_at, now=now)
    if running and remaining == 0:
        # Not a whole second left to resume with: a resume could never start again.
        close(attempt, to=S.TIMED_OUT, actor=None, now=now, reason="deadline passed")
        return attempt
    transition(attempt, to=S.ERROR, actor=actor, at=now, reason=reason or "proctoring error")
    fields = ["status", "modified"]
    if running:
        attempt.paused_remaining_seconds = remaining
        attempt.deadline_at = None
        fields += ["paused_remaining_seconds", "deadline_at"]
    attempt.save(update_fields=fields)
    return attempt


@transaction.atomic
def attempt_resume(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> Attempt:
    """Staff let a learner whose exam stopped with an error go on (course staff or support).

    Before the exam began the learner sets up the software again; after, they start again
    with the seconds that remained. Only attempts that errored before they ended qualify. Past
    the due date the attempt is closed as timed out instead, and its saved answers graded.
    """
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock (see locked)
    if _was_just_resumed(attempt):
        return attempt
    if attempt.status != S.ERROR or attempt.completed_at is not None:
        raise NotResumable()
    due_at = attempt.exam.due_at
    if attempt.started_at is not None and due_at is not None and now >= due_at:
        # Too late to go on: close it at the due date and grade what was saved.
        attempt.deadline_at = due_at
        close(attempt, to=S.TIMED_OUT, actor=actor, now=now, reason="resumed after the due date")
        attempt.save(update_fields=["deadline_at"])
        return attempt
    target = S.READY_TO_START if attempt.started_at is not None else S.DOWNLOAD_SOFTWARE_CLICKED
    transition(attempt, to=target, actor=actor, at=now, reason="resumed by staff")
    attempt.save(update_fields=["status", "modified"])
    return attempt


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
