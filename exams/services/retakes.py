"""Starting over: staff clear an attempt; a learner retries a practice exam."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams.exceptions import AttemptInProgress, InvalidInput
from exams.lifecycle.engine import locked
from exams.lifecycle.history import Actor, record_created
from exams.models import Attempt, AuditAction
from exams.selectors import attempt_get_locked
from exams.services.audit import audit
from exams.statuses import LIVE


@transaction.atomic
def attempt_clear(*, attempt_id: int, actor: Actor, now: datetime | None = None) -> bool:
    """Delete an attempt and every answer in it, so the learner starts from the very beginning.

    Permanent. The audit log keeps who cleared what and when; the attempt's status history is
    kept (detached from the deleted row). Returns False if the attempt was already gone.
    """
    try:
        attempt = attempt_get_locked(attempt_id=attempt_id)
    except Attempt.DoesNotExist:
        return False
    now = now or timezone.now()  # after the lock
    exam = attempt.exam
    learner = attempt.learner
    audit(
        action=AuditAction.ATTEMPT_CLEARED,
        actor=actor,
        at=now,
        course=exam.course,
        learner_id=attempt.learner_id,
        target=f"attempt {attempt.attempt_code}",
        summary=(
            f"Cleared the attempt of {learner.get_username()} at '{exam.name}' "
            f"(status {attempt.status}, {attempt.answers.count()} answers removed)."
        ),
        details={
            "attempt_code": attempt.attempt_code,
            "exam_id": exam.pk,
            "status": attempt.status,
            "started_at": attempt.started_at.isoformat() if attempt.started_at else None,
            "completed_at": attempt.completed_at.isoformat() if attempt.completed_at else None,
        },
    )
    attempt.delete()
    return True


@transaction.atomic
def attempt_practice_reset(
    *, attempt_id: int, actor: Actor, now: datetime | None = None
) -> Attempt:
    """Give the learner a fresh practice attempt; the finished one stays on record.

    A double click makes one new attempt: the second call finds the live one and returns it.
    """
    old = locked(attempt_id)
    now = now or timezone.now()  # after the lock
    if not old.is_sample_attempt:
        raise InvalidInput(_("Only practice exams can be retried; ask course staff to clear it."))
    live = Attempt.objects.filter(
        exam_id=old.exam_id, learner_id=old.learner_id, status__in=LIVE
    ).first()
    if live is not None:
        if live.pk == old.pk:
            raise AttemptInProgress()
        return live
    try:
        with transaction.atomic():
            new = Attempt.objects.create(
                exam_id=old.exam_id,
                course_id=old.course_id,
                learner_id=old.learner_id,
                taking_as_proctored=old.taking_as_proctored,
                is_sample_attempt=True,
                language=old.language,
            )
    except IntegrityError:
        live = Attempt.objects.filter(
            exam_id=old.exam_id, learner_id=old.learner_id, status__in=LIVE
        ).first()
        if live is None:
            raise
        return live
    record_created(new, actor=actor, at=now, reason=f"practice retry after {old.attempt_code}")
    return new
