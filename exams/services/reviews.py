"""The provider's side of an attempt's life: session uploaded, review results."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams.exceptions import IllegalTransition, InvalidInput
from exams.lifecycle.engine import apply, locked, make
from exams.lifecycle.history import Actor
from exams.lifecycle.moves import Party as P
from exams.models import Attempt
from exams.statuses import IN_PROGRESS, REVIEW_RESULTS, AttemptStatus

S = AttemptStatus


@transaction.atomic
def attempt_session_submitted(
    *, attempt_id: int, actor: Actor = None, now: datetime | None = None
) -> Attempt:
    """The provider confirmed the session upload: the attempt waits for its review."""
    return make("upload_confirmed", attempt_id=attempt_id, party=P.PROVIDER, actor=actor, now=now)


# The move each review result makes.
_REVIEW_MOVES = {
    S.VERIFIED: "review_satisfactory",
    S.REJECTED: "review_unsatisfactory",
    S.SECOND_REVIEW_REQUIRED: "review_second",
    S.ERROR: "review_error",
}


@transaction.atomic
def attempt_review_result(
    *,
    attempt_id: int,
    result: AttemptStatus,
    actor: Actor = None,
    now: datetime | None = None,
    reason: str = "",
) -> Attempt:
    """Apply a review result (verified, rejected, second review required, error): the
    provider's, or a person's (`actor`) who settles the review by hand.

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
    party = P.STAFF if actor is not None else P.PROVIDER
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
        # A review follows the exam. An `error` result here would also skip the pause of the
        # clock, and the resume would start a fresh one.
        raise IllegalTransition(
            current=attempt.status,
            target=result,
            message=_("The learner is still taking this exam; a review can only follow its end."),
        )
    if attempt.status in (S.COMPLETED, S.TIMED_OUT) and result != S.ERROR:
        apply(
            "upload_confirmed", attempt, party=party, actor=actor, now=now, reason="review received"
        )
    return apply(_REVIEW_MOVES[result], attempt, party=party, actor=actor, now=now, reason=reason)
