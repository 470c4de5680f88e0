"""Celery tasks of the proctoring app. Each takes ids and is safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from proctoring.exceptions import ProviderUnavailable

PENDING_BATCH = 200
# How long a due review e-mail is left to its own task before the sweep queues it again.
REVIEW_EMAIL_WAIT_MINUTES = 5


@shared_task(name="proctoring.callback_process", acks_late=True, ignore_result=True)
def callback_process_task(delivery_id: int) -> None:
    """Apply one stored callback delivery (no-op once processed)."""
    from proctoring.services import callback_process

    callback_process(delivery_id=delivery_id)


@shared_task(name="proctoring.callbacks_process_pending", ignore_result=True)
def callbacks_process_pending_task() -> int:
    """Beat entry: process deliveries that were stored but never processed (worker down)."""
    from proctoring.models import CallbackDelivery, DeliveryStatus
    from proctoring.services import callback_process

    cutoff = timezone.now() - timedelta(minutes=1)
    ids = list(
        CallbackDelivery.objects.filter(status=DeliveryStatus.RECEIVED, received_at__lt=cutoff)
        .order_by("received_at")
        .values_list("id", flat=True)[:PENDING_BATCH]
    )
    for delivery_id in ids:
        callback_process(delivery_id=delivery_id)
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
    from proctoring.services import session_open

    session_open(attempt_id=attempt_id)


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
    from proctoring.services import session_notify

    session_notify(attempt_id=attempt_id, event=event)


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
    from proctoring.simulated import vendor

    vendor.send(base_url=base_url, payload=payload)


@shared_task(name="proctoring.review_email", acks_late=True, ignore_result=True)
def review_email_task(review_id: int) -> None:
    """E-mail the learner that their proctoring review result arrived (once per review)."""
    from django.db import transaction

    from proctoring.models import Review

    with transaction.atomic():
        review = (
            Review.objects.select_for_update()
            .select_related("attempt__learner", "attempt__exam__course")
            .filter(pk=review_id, emailed_at__isnull=True, attempt__isnull=False)
            .first()
        )
        if review is None or review.attempt is None:
            return
        attempt = review.attempt
        context = {
            "attempt": attempt,
            "exam": attempt.exam,
            "review": review,
            "learner": attempt.learner,
        }
        # In the learner's language: the worker has no request to ask.
        with translation.override(attempt.language or settings.LANGUAGE_CODE):
            subject = render_to_string("proctoring/email/review_subject.txt", context).strip()
            body = render_to_string("proctoring/email/review_body.txt", context)
        send_mail(
            subject=subject,
            message=body,
            from_email=None,
            recipient_list=[attempt.learner.email],
        )
        review.emailed_at = timezone.now()
        review.save(update_fields=["emailed_at"])


@shared_task(name="proctoring.review_emails_send_missing", ignore_result=True)
def review_emails_send_missing_task() -> int:
    """Beat entry: queue the review e-mails that were due but never sent (the broker was down
    when the review arrived, or the task was lost), while the review still stands."""
    from django.db.models import F

    from proctoring.models import Review

    cutoff = timezone.now() - timedelta(minutes=REVIEW_EMAIL_WAIT_MINUTES)
    ids = list(
        Review.objects.filter(
            email_due=True,
            emailed_at__isnull=True,
            received_at__lt=cutoff,
            attempt__status=F("result"),
        )
        .order_by("received_at", "id")
        .values_list("id", flat=True)[:PENDING_BATCH]
    )
    for review_id in ids:
        review_email_task.delay(review_id)
    return len(ids)


@shared_task(name="proctoring.sessions_open_missing", ignore_result=True)
def sessions_open_missing_task() -> int:
    """Beat entry: open the sessions whose opening was lost (broker down when setup began)."""
    from exams.models import Attempt
    from exams.statuses import AttemptStatus

    cutoff = timezone.now() - timedelta(minutes=1)
    ids = list(
        Attempt.objects.filter(
            taking_as_proctored=True,
            status=AttemptStatus.DOWNLOAD_SOFTWARE_CLICKED,
            provider_session__isnull=True,
            modified__lt=cutoff,
        ).values_list("id", flat=True)[:PENDING_BATCH]
    )
    for attempt_id in ids:
        session_open_task.delay(attempt_id)
    return len(ids)


@shared_task(name="proctoring.reviews_apply_held", acks_late=True, ignore_result=True)
def reviews_apply_held_task(attempt_id: int) -> None:
    """Apply a review that arrived while the learner was still taking the exam."""
    from proctoring.services import reviews_apply_held

    reviews_apply_held(attempt_id=attempt_id)


@shared_task(name="proctoring.reviews_apply_held_missing", ignore_result=True)
def reviews_apply_held_missing_task() -> int:
    """Beat entry: apply held reviews of attempts that have ended (their task was lost)."""
    from exams.statuses import IN_PROGRESS
    from proctoring.models import Review
    from proctoring.services import reviews_apply_held
    from proctoring.services.reviews import HELD

    cutoff = timezone.now() - timedelta(minutes=1)
    ids = list(
        Review.objects.filter(is_applied=False, not_applied_reason=HELD, received_at__lt=cutoff)
        .exclude(attempt__status__in=IN_PROGRESS)
        .values_list("attempt_id", flat=True)
        .distinct()[:PENDING_BATCH]
    )
    for attempt_id in ids:
        if attempt_id is not None:
            reviews_apply_held(attempt_id=attempt_id)
    return len(ids)
