"""The provider's side of an attempt's life: session uploaded, review results."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams.exceptions import IllegalTransition, InvalidInput
from exams.models import Attempt
from exams.services.attempts import locked
from exams.services.history import Actor, transition
from exams.state_machine import IN_PROGRESS, REVIEW_RESULTS, AttemptStatus

S = AttemptStatus


@transaction.atomic
def attempt_session_submitted(
    *, attempt_id: int, actor: Actor = None, now: datetime | None = None
) -> Attempt:
    """The provider confirmed the session upload: the attempt waits for its review."""
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock
    if attempt.status in (S.SUBMITTED, *REVIEW_RESULTS):
        return attempt
    transition(attempt, to=S.SUBMITTED, actor=actor, at=now, reason="session uploaded")
    attempt.save(update_fields=["status", "modified"])
    return attempt


@transaction.atomic
def attempt_review_result(
    *,
    attempt_id: int,
    result: AttemptStatus,
    actor: Actor = None,
    now: datetime | None = None,
    reason: str = "",
) -> Attempt:
    """Apply a review result (verified, rejected, second review required, error).

    A review for an attempt whose upload confirmation never came implies the upload: the
    attempt passes through `submitted` first, and both moves are recorded. The order of
    competing reviews is the caller's concern (proctoring keeps the newest).
    """
    if result not in REVIEW_RESULTS:
        raise InvalidInput(
            _("'%(result)s' is not a review result.") % {"result": result}, field="result"
        )
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock
    if attempt.status == result:
        return attempt
    if attempt.status == S.ERROR and attempt.completed_at is None and result != S.ERROR:
        # The learner never finished: there is nothing graded to review.
        raise IllegalTransition(
            current=attempt.status,
            target=result,
            message=_(
                "This attempt stopped with an error before the learner finished the exam; "
                "let the learner resume instead."
            ),
        )
    if attempt.status in IN_PROGRESS:
        # A review follows the exam. An `error` result here would also skip attempt_error's
        # pause of the clock, and the resume would start a fresh one.
        raise IllegalTransition(
            current=attempt.status,
            target=result,
            message=_("The learner is still taking this exam; a review can only follow its end."),
        )
    if attempt.status in (S.COMPLETED, S.TIMED_OUT) and result != S.ERROR:
        transition(attempt, to=S.SUBMITTED, actor=actor, at=now, reason="review received")
    transition(attempt, to=result, actor=actor, at=now, reason=reason or "review received")
    attempt.save(update_fields=["status", "modified"])
    return attempt
