"""Celery tasks of the proctoring app: each takes ids, is safe to run twice, and is one call
of a service (beat entries: one selector for what was left undone, then a service each)."""

from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from exams.broker import enqueue
from proctoring import selectors, services
from proctoring.exceptions import ProviderUnavailable
from proctoring.services.emails import review_email_send
from proctoring.simulated import vendor

PENDING_BATCH = 200
# How long a due review e-mail is left to its own task before the sweep queues it again.
REVIEW_EMAIL_WAIT_MINUTES = 5


def _before(minutes: int) -> datetime:
    return timezone.now() - timedelta(minutes=minutes)


@shared_task(name="proctoring.callback_process", acks_late=True, ignore_result=True)
def callback_process_task(delivery_id: int) -> None:
    """Apply one stored callback delivery (no-op once processed)."""
    services.callback_process(delivery_id=delivery_id)


@shared_task(name="proctoring.callbacks_process_pending", ignore_result=True)
def callbacks_process_pending_task() -> int:
    """Beat entry: process deliveries that were stored but never processed (worker down)."""
    ids = selectors.deliveries_unprocessed_ids(received_before=_before(1), limit=PENDING_BATCH)
    for delivery_id in ids:
        services.callback_process(delivery_id=delivery_id)
    return len(ids)


@shared_task(
    name="proctoring.session_open",
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(ProviderUnavailable,),
    retry_backoff=5,
    max_retries=5,
)
def session_open_task(self: object, attempt_id: int) -> None:
    """Open the provider session for an attempt (idempotent; retried if the vendor is down)."""
    services.session_open(attempt_id=attempt_id)


@shared_task(
    name="proctoring.session_notify",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(ProviderUnavailable,),
    retry_backoff=5,
    max_retries=5,
)
def session_notify_task(attempt_id: int, event: str) -> None:
    """Tell the provider the exam started or stopped."""
    services.session_notify(attempt_id=attempt_id, event=event)


@shared_task(
    name="proctoring.simulated_send",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(ProviderUnavailable,),
    retry_backoff=2,
    max_retries=5,
)
def simulated_send_task(base_url: str, payload: dict[str, object]) -> None:
    """The simulated vendor's servers send one signed callback (retried while the app does not
    answer; the same delivery id each time)."""
    vendor.send(base_url=base_url, payload=payload)


@shared_task(name="proctoring.review_email", acks_late=True, ignore_result=True)
def review_email_task(review_id: int) -> None:
    """E-mail the learner that their proctoring review result arrived (once per review)."""
    review_email_send(review_id=review_id)


@shared_task(name="proctoring.review_emails_send_missing", ignore_result=True)
def review_emails_send_missing_task() -> int:
    """Beat entry: queue the review e-mails that were due but never sent (the broker was down
    when the review arrived, or the task was lost), while the review still stands."""
    ids = selectors.review_emails_missing_ids(
        received_before=_before(REVIEW_EMAIL_WAIT_MINUTES), limit=PENDING_BATCH
    )
    for review_id in ids:
        enqueue("proctoring.review_email", review_id, what=f"e-mail of review {review_id}")
    return len(ids)


@shared_task(name="proctoring.sessions_open_missing", ignore_result=True)
def sessions_open_missing_task() -> int:
    """Beat entry: open the sessions whose opening was lost (broker down when setup began)."""
    ids = selectors.attempts_without_session_ids(moved_before=_before(1), limit=PENDING_BATCH)
    for attempt_id in ids:
        enqueue("proctoring.session_open", attempt_id, what=f"session of attempt {attempt_id}")
    return len(ids)


@shared_task(name="proctoring.reviews_apply_held", acks_late=True, ignore_result=True)
def reviews_apply_held_task(attempt_id: int) -> None:
    """Apply a review that arrived while the learner was still taking the exam."""
    services.reviews_apply_held(attempt_id=attempt_id)


@shared_task(name="proctoring.reviews_apply_held_missing", ignore_result=True)
def reviews_apply_held_missing_task() -> int:
    """Beat entry: apply held reviews of attempts that have ended (their task was lost)."""
    ids = selectors.attempts_with_held_reviews_ids(received_before=_before(1), limit=PENDING_BATCH)
    for attempt_id in ids:
        services.reviews_apply_held(attempt_id=attempt_id)
    return len(ids)
