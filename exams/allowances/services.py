"""Granting, changing and revoking one allowance, and giving running attempts their extra time.

Values come parsed (exams.allowances.inputs); what needs the database or the clock (the
learner's enrollment, a duplicate, an expiry in the future) is checked here.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exams import integrations, timing
from exams.allowances.inputs import AllowanceValue
from exams.exceptions import AllowanceExists, InvalidInput, NotEnrolled, NotFound
from exams.inputs import KEEP, Keep
from exams.lifecycle.history import Actor, record_deadline_change
from exams.models import Allowance, AllowanceKind, AuditAction, Course, Exam, ExamType
from exams.selectors import allowances_effective, attempt_get_locked, attempts_running_for
from exams.services.audit import audit

TIME_KINDS = frozenset({AllowanceKind.ADDITIONAL_MINUTES, AllowanceKind.TIME_MULTIPLIER})


@transaction.atomic
def allowance_grant(
    *,
    course: Course,
    learner: Any,
    exam: Exam | None,
    value: AllowanceValue,
    reason: str = "",
    expires_at: datetime | None = None,
    granted_by: Actor,
    now: datetime | None = None,
) -> Allowance:
    """Grant one allowance to an enrolled learner for one exam or all timed exams of a course.

    A second allowance of the same kind for the same scope raises AllowanceExists (edit the
    first instead). Extra time reaches an attempt that is already running.
    """
    now = now or timezone.now()
    if exam is not None and (exam.course_id != course.pk or exam.exam_type == ExamType.NONE):
        raise InvalidInput(_("The exam must be a special exam of this course."), field="exam")
    if not integrations.is_enrolled(learner, course):
        raise NotEnrolled()
    expires_at = clean_expiry(expires_at, now=now)
    try:
        with transaction.atomic():
            allowance = Allowance.objects.create(
                course=course,
                exam=exam,
                learner=learner,
                kind=value.kind,
                minutes=value.minutes,
                multiplier=value.multiplier,
                text=value.text,
                reason=reason.strip(),
                granted_by=granted_by,
                expires_at=expires_at,
            )
    except IntegrityError:
        raise AllowanceExists() from None
    audit(
        action=AuditAction.ALLOWANCE_GRANTED,
        actor=granted_by,
        at=now,
        course=course,
        learner_id=learner.pk,
        target=f"allowance {allowance.pk}",
        summary=_describe(allowance, learner),
        details=_details(allowance),
    )
    if value.kind in TIME_KINDS:
        _extend_running_attempts(allowance, actor=granted_by, now=now)
    return allowance


@transaction.atomic
def allowance_update(
    *,
    allowance_id: int,
    value: AllowanceValue | Keep = KEEP,
    reason: str | Keep = KEEP,
    expires_at: datetime | Keep | None = KEEP,
    actor: Actor,
    now: datetime | None = None,
) -> Allowance:
    """Change an allowance's value (of its own kind), reason or expiry (`None` clears the
    expiry; leaving an argument out keeps it). More time reaches a running attempt; less time
    never shortens one."""
    now = now or timezone.now()
    allowance = _allowance_locked(allowance_id)
    if isinstance(expires_at, datetime):
        expires_at = clean_expiry(expires_at, now=now)
    before = _details(allowance)
    if not isinstance(value, Keep):
        if value.kind != allowance.kind:
            raise InvalidInput(
                _("An allowance keeps its kind; give a value of its kind."), field="value"
            )
        allowance.minutes, allowance.multiplier, allowance.text = (
            value.minutes,
            value.multiplier,
            value.text,
        )
    if not isinstance(reason, Keep):
        allowance.reason = reason.strip()
    if not isinstance(expires_at, Keep):
        allowance.expires_at = expires_at
    allowance.save(
        update_fields=["minutes", "multiplier", "text", "reason", "expires_at", "modified"]
    )
    audit(
        action=AuditAction.ALLOWANCE_CHANGED,
        actor=actor,
        at=now,
        course=allowance.course,
        learner_id=allowance.learner_id,
        target=f"allowance {allowance.pk}",
        summary=_describe(allowance, allowance.learner),
        details={"before": before, "after": _details(allowance)},
    )
    if allowance.kind in TIME_KINDS:
        _extend_running_attempts(allowance, actor=actor, now=now)
    return allowance


@transaction.atomic
def allowance_revoke(*, allowance_id: int, actor: Actor, now: datetime | None = None) -> None:
    """Delete an allowance. A running attempt keeps the time it already has."""
    now = now or timezone.now()
    allowance = _allowance_locked(allowance_id)
    audit(
        action=AuditAction.ALLOWANCE_REVOKED,
        actor=actor,
        at=now,
        course=allowance.course,
        learner_id=allowance.learner_id,
        target=f"allowance {allowance.pk}",
        summary="Revoked: " + _describe(allowance, allowance.learner),
        details=_details(allowance),
    )
    allowance.delete()


def _allowance_locked(allowance_id: int) -> Allowance:
    allowance = (
        Allowance.objects.select_related("course", "exam", "learner")
        .select_for_update(of=("self",))
        .filter(pk=allowance_id)
        .first()
    )
    if allowance is None:
        raise NotFound(_("This allowance does not exist."))
    return allowance


def _extend_running_attempts(allowance: Allowance, *, actor: Actor, now: datetime) -> None:
    """Give the learner's running attempts the extra time the allowance now grants."""
    for attempt_id in attempts_running_for(
        learner_id=allowance.learner_id, course_id=allowance.course_id, exam_id=allowance.exam_id
    ):
        attempt = attempt_get_locked(attempt_id=attempt_id)
        if attempt.deadline_at is None or attempt.allowed_seconds is None:
            continue
        exam = attempt.exam
        extra = allowances_effective(learner_id=attempt.learner_id, exam=exam, now=now)
        entitled = extra.seconds_for(exam)
        gained = entitled - attempt.allowed_seconds
        if gained <= 0:
            continue
        moved = timing.extend(
            deadline_at=attempt.deadline_at, extra_seconds=gained, due_at=exam.due_at
        )
        previous = attempt.deadline_at
        attempt.allowed_seconds = entitled
        attempt.deadline_at = moved.at
        attempt.cut_by_due_date = attempt.cut_by_due_date or moved.cut_by_due_date
        attempt.save(
            update_fields=["allowed_seconds", "deadline_at", "cut_by_due_date", "modified"]
        )
        if moved.at == previous:
            continue  # the due date leaves no room: nothing moved, nothing to record
        record_deadline_change(
            attempt,
            actor=actor,
            at=now,
            reason=f"allowance {allowance.pk} moved the deadline by "
            f"{int((moved.at - previous).total_seconds())} seconds",
        )


def clean_expiry(expires_at: datetime | None, *, now: datetime) -> datetime | None:
    """An allowance's expiry in UTC: in the future and in the accepted range."""
    if expires_at is None:
        return None
    if timezone.is_naive(expires_at):
        raise InvalidInput(
            _("Give the expiry as a date and time with its zone."), field="expires_at"
        )
    moment = timing.accepted_utc(expires_at)
    if moment is None:
        raise InvalidInput(
            _("Give an expiry between the years 2000 and 2999 (UTC)."), field="expires_at"
        )
    if moment <= now:
        raise InvalidInput(_("The expiry must be in the future."), field="expires_at")
    return moment


def _describe(allowance: Allowance, learner: Any) -> str:
    """The audit summary: a stored record, so in the site's language whoever made the change."""
    scope = f"'{allowance.exam.name}'" if allowance.exam else "all timed exams"
    with translation.override(settings.LANGUAGE_CODE):
        return (
            f"{allowance.get_kind_display()} {allowance.value_display} for "
            f"{learner.get_username()} on {scope}"
        )


def _details(allowance: Allowance) -> dict[str, Any]:
    return {
        "kind": allowance.kind,
        "exam_id": allowance.exam_id,
        "minutes": allowance.minutes,
        "multiplier": str(allowance.multiplier) if allowance.multiplier else None,
        "text": allowance.text,
        "reason": allowance.reason,
        "expires_at": allowance.expires_at.isoformat() if allowance.expires_at else None,
    }
