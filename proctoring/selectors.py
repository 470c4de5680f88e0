"""Reads of the proctoring app: what the beat sweeps find left undone."""

from datetime import datetime

from django.db.models import F

from exams.models import Attempt
from exams.statuses import IN_PROGRESS, AttemptStatus
from proctoring.models import CallbackDelivery, DeliveryStatus, Review


def deliveries_unprocessed_ids(*, received_before: datetime, limit: int) -> list[int]:
    """Deliveries stored but never processed (the worker was down), oldest first."""
    return list(
        CallbackDelivery.objects.filter(
            status=DeliveryStatus.RECEIVED, received_at__lt=received_before
        )
        .order_by("received_at")
        .values_list("id", flat=True)[:limit]
    )


def review_emails_missing_ids(*, received_before: datetime, limit: int) -> list[int]:
    """Reviews whose e-mail was due but never sent, while the review still stands."""
    return list(
        Review.objects.filter(
            email_due=True,
            emailed_at__isnull=True,
            received_at__lt=received_before,
            attempt__status=F("result"),
        )
        .order_by("received_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def attempts_without_session_ids(*, moved_before: datetime, limit: int) -> list[int]:
    """Proctored attempts in setup whose provider session was never opened."""
    return list(
        Attempt.objects.filter(
            taking_as_proctored=True,
            status=AttemptStatus.DOWNLOAD_SOFTWARE_CLICKED,
            provider_session__isnull=True,
            modified__lt=moved_before,
        ).values_list("id", flat=True)[:limit]
    )


def attempts_with_held_reviews_ids(*, received_before: datetime, limit: int) -> list[int]:
    """Attempts that ended with a review still held for them (its task was lost)."""
    return [
        attempt_id
        for attempt_id in Review.objects.filter(
            is_applied=False, not_applied_reason=Review.HELD, received_at__lt=received_before
        )
        .exclude(attempt__status__in=IN_PROGRESS)
        .values_list("attempt_id", flat=True)
        .distinct()[:limit]
        if attempt_id is not None
    ]
