"""Reviews: record every result, apply only the newest, tell the learner."""

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams import services as exam_services
from exams.broker import enqueue
from exams.exceptions import Conflict, DomainError, InvalidInput
from exams.lifecycle.engine import locked
from exams.models import Attempt
from exams.selectors import attempt_get_locked
from exams.statuses import IN_PROGRESS, AttemptStatus
from proctoring.models import CallbackDelivery, Review
from proctoring.providers.base import CallbackEvent, ProctoringProvider

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EMAILED_RESULTS = frozenset({AttemptStatus.VERIFIED, AttemptStatus.REJECTED})
# Attempts whose review support staff may settle by hand.
HAND_REVIEW_STATUSES = frozenset({AttemptStatus.SECOND_REVIEW_REQUIRED, AttemptStatus.ERROR})


def review_record(
    *,
    event: CallbackEvent,
    provider: ProctoringProvider,
    attempt: Attempt | None,
    delivery: CallbackDelivery | None,
    now: datetime,
    not_applied_reason: str = "",
) -> Review:
    """Store a delivered review and apply it unless a newer review was already applied.

    Runs inside the caller's transaction. A review for a missing attempt is kept, not applied.
    """
    review = Review.objects.create(
        attempt=attempt,
        attempt_code=event.attempt_code,
        provider=provider.name,
        delivery=delivery,
        verdict=event.verdict,
        result=provider.map_verdict(event.verdict),
        flags=list(event.flags),
        comments=event.comments,
        review_url=event.review_url,
        reviewed_at=event.occurred_at,
        received_at=now,
        not_applied_reason=not_applied_reason,
    )
    if attempt is None:
        return review
    _apply(review, attempt, actor=None, now=now)
    return review


def _apply(
    review: Review, attempt: Attempt, *, actor: "User | None", now: datetime
) -> DomainError | None:
    """Apply the review unless a newer one was applied; return the attempt's refusal, if any
    (the review then stays unapplied, with the refusal's code as its reason)."""
    # The attempt's row lock first, so "is a newer review applied?" sees every review whose
    # processing got the lock before this one (two workers, two reviews of one attempt).
    before = attempt_get_locked(attempt_id=attempt.pk).status
    newer = (
        Review.objects.filter(attempt=attempt, is_applied=True, reviewed_at__gt=review.reviewed_at)
        .exclude(pk=review.pk)
        .exists()
    )
    if newer:
        review.not_applied_reason = "stale_review"
        review.save(update_fields=["not_applied_reason"])
        return None
    try:
        with transaction.atomic():
            updated = exam_services.attempt_review_result(
                attempt_id=attempt.pk,
                result=AttemptStatus(review.result),
                actor=actor,
                now=now,
                reason=f"review {review.verdict} ({review.provider})",
            )
    except DomainError as error:
        still_running = Attempt.objects.filter(pk=attempt.pk, status__in=IN_PROGRESS).exists()
        # A review that overtook the learner's submit is held, and applied when the exam ends.
        review.not_applied_reason = Review.HELD if still_running else error.code
        review.save(update_fields=["not_applied_reason"])
        return error
    review.is_applied = True
    review.email_due = (
        updated.status != before
        and updated.status in EMAILED_RESULTS
        and not updated.is_sample_attempt
    )
    review.save(update_fields=["is_applied", "email_due"])
    if review.email_due:
        # Lost if the broker is down: the review_emails_send_missing sweep sends it later.
        transaction.on_commit(
            partial(
                enqueue, "proctoring.review_email", review.pk, what=f"e-mail of review {review.pk}"
            )
        )
    return None


def reviews_apply_held(*, attempt_id: int, now: datetime | None = None) -> Review | None:
    """Apply the newest review held while the attempt was still in progress (it overtook the
    learner's submit), once the exam has ended; the older held ones become stale. Safe to run
    twice: nothing is held any more the second time."""
    with transaction.atomic():
        try:
            attempt = attempt_get_locked(attempt_id=attempt_id)
        except Attempt.DoesNotExist:
            return None
        if attempt.status in IN_PROGRESS:
            return None
        now = now or timezone.now()  # after the lock
        held = Review.objects.filter(
            attempt=attempt, is_applied=False, not_applied_reason=Review.HELD
        )
        newest = held.order_by("-reviewed_at", "-id").first()
        if newest is None:
            return None
        held.exclude(pk=newest.pk).update(not_applied_reason="stale_review")
        newest.not_applied_reason = ""
        newest.save(update_fields=["not_applied_reason"])
        _apply(newest, attempt, actor=None, now=now)
        return newest


@transaction.atomic
def review_decide(
    *, attempt_id: int, result: str, comments: str, actor: "User", now: datetime | None = None
) -> Review:
    """Support staff settle a review by hand (second review, provider error)."""
    if result not in (AttemptStatus.VERIFIED, AttemptStatus.REJECTED):
        raise InvalidInput(_("Decide Satisfactory or Unsatisfactory."), field="result")
    attempt = locked(attempt_id)
    now = now or timezone.now()  # after the lock
    if attempt.status not in HAND_REVIEW_STATUSES:
        raise Conflict(
            _(
                "Only attempts waiting for a second review or in error can be marked by hand "
                "(this one is %(status)s)."
            )
            % {"status": attempt.get_status_display()}
        )
    review = Review.objects.create(
        attempt=attempt,
        attempt_code=attempt.attempt_code,
        provider="support",
        verdict="support_decision",
        result=result,
        comments=comments,
        reviewed_at=now,
        received_at=now,
        decided_by=actor,
    )
    refusal = _apply(review, attempt, actor=actor, now=now)
    if refusal is not None:
        raise refusal  # the attempt's own reason (nothing is kept: this transaction rolls back)
    if not review.is_applied:
        raise Conflict(
            _("The decision could not be applied (%(reason)s).")
            % {"reason": review.not_applied_reason}
        )
    return review


def review_hand_decide(*, attempt_id: int, result: str, actor: "User") -> None:
    """The hand review the attempt's admin page offers (registered in exams.hooks)."""
    review_decide(
        attempt_id=attempt_id, result=result, comments="decided by support staff", actor=actor
    )
