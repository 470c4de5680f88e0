"""The callbacks inbox: store every delivery raw first, then apply it once, in order."""

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from exams import services as exam_services
from exams.broker import enqueue
from exams.exceptions import DomainError
from exams.models import Attempt, AuditAction, AuditLogEntry, Course
from proctoring.exceptions import CallbackRejected
from proctoring.models import CallbackDelivery, DeliveryStatus, ProviderSession
from proctoring.providers import get_provider
from proctoring.providers.base import CallbackEvent, ProctoringProvider
from proctoring.services.reviews import review_record

log = logging.getLogger(__name__)

# Characters kept of a refused delivery's body: enough to see what was sent.
REJECTED_BODY_CHARS = 2_000
KEPT_HEADERS = ("x-proctoring-timestamp", "x-proctoring-signature", "content-type")


def callback_receive(
    *, provider_name: str, headers: Mapping[str, str], body: bytes, now: datetime | None = None
) -> tuple[CallbackDelivery, bool]:
    """Authenticate and store one delivery; queue it for processing after commit.

    Returns (delivery, is_new). A redelivery (same provider and delivery id) returns the first
    delivery and changes nothing. A rejected delivery is stored with its reason, then
    CallbackRejected is raised.
    """
    now = now or timezone.now()
    provider = get_provider(provider_name)
    # Kept as text: bytes that are not UTF-8, and NUL (PostgreSQL text cannot hold it), become
    # U+FFFD.
    text = body.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    kept = {k: v[:200] for k, v in headers.items() if k in KEPT_HEADERS}
    if "authorization" in headers:
        kept["authorization"] = "Bearer [redacted]"
    try:
        provider.verify_callback(headers, body, now)
        event = provider.parse_callback(body)
    except CallbackRejected as rejection:
        _keep_rejected(provider_name, kept, text, rejection, now)
        raise
    existing = (
        CallbackDelivery.objects.filter(provider=provider_name, delivery_id=event.delivery_id)
        .exclude(status=DeliveryStatus.REJECTED)
        .first()
    )
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            delivery = CallbackDelivery.objects.create(
                provider=provider_name,
                delivery_id=event.delivery_id,
                received_at=now,
                headers=kept,
                body=text,
                attempt_code=event.attempt_code,
                event=event.event,
            )
    except IntegrityError:  # the same delivery, racing
        return CallbackDelivery.objects.get(
            provider=provider_name,
            delivery_id=event.delivery_id,
            status__in=[s for s in DeliveryStatus.values if s != DeliveryStatus.REJECTED],
        ), False
    transaction.on_commit(partial(_queue_processing, delivery.pk))
    return delivery, True


def _keep_rejected(
    provider_name: str,
    headers: dict[str, str],
    text: str,
    rejection: CallbackRejected,
    now: datetime,
) -> None:
    """Keep a refused delivery for support to read, bounded: anyone can send one, so only its
    first REJECTED_BODY_CHARS, and at most PROCTORING_REJECTED_KEPT_PER_MINUTE per provider
    (beyond that only a log line)."""
    limit = settings.PROCTORING_REJECTED_KEPT_PER_MINUTE
    recent = CallbackDelivery.objects.filter(
        provider=provider_name,
        status=DeliveryStatus.REJECTED,
        received_at__gte=now - timedelta(minutes=1),
    )
    if recent[:limit].count() >= limit:
        log.warning(
            "%s callback refused (%s), not kept: too many lately", provider_name, rejection.code
        )
        return
    CallbackDelivery.objects.create(
        provider=provider_name,
        received_at=now,
        headers=headers,
        body=text[:REJECTED_BODY_CHARS],
        status=DeliveryStatus.REJECTED,
        outcome=rejection.code,
        detail=rejection.message,
        processed_at=now,
    )


def _queue_processing(delivery_id: int) -> None:
    # If not queued, the delivery is stored: the pending sweep applies it once the broker is back.
    enqueue("proctoring.callback_process", delivery_id, what=f"callback delivery {delivery_id}")


def callback_process(*, delivery_id: int, now: datetime | None = None) -> CallbackDelivery:
    """Apply a stored delivery to its attempt, once.

    Safe to run twice: only a delivery still `received` is processed. A delivery that cannot
    apply (unknown or cleared attempt, an attempt another provider proctors, a move the
    attempt cannot make) is kept as `ignored` with a code saying why.
    """
    with transaction.atomic():
        delivery = CallbackDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status != DeliveryStatus.RECEIVED:
            return delivery
        now = now or timezone.now()  # after the lock
        provider = get_provider(delivery.provider)
        event = provider.parse_callback(delivery.body.encode())
        attempt = Attempt.objects.filter(attempt_code=event.attempt_code).first()
        if attempt is not None and _provider_of(attempt) != delivery.provider:
            # Signed by a provider the attempt does not use: a learner knows their attempt
            # code, and another provider's secret must not decide their review.
            return _finish(delivery, DeliveryStatus.IGNORED, "other_provider", now)
        if attempt is None:
            outcome = _missing_attempt_outcome(event.attempt_code)
            if event.event == "review":
                review_record(
                    event=event,
                    provider=provider,
                    attempt=None,
                    delivery=delivery,
                    now=now,
                    not_applied_reason=outcome,
                )
            return _finish(delivery, DeliveryStatus.IGNORED, outcome, now)
        try:
            outcome = _apply(event, attempt, provider, delivery, now)
        except DomainError as error:
            return _finish(delivery, DeliveryStatus.IGNORED, error.code, now, error.message)
        status = DeliveryStatus.APPLIED if outcome == "applied" else DeliveryStatus.IGNORED
        return _finish(delivery, status, outcome, now)


def _provider_of(attempt: Attempt) -> str:
    """The provider that proctors the attempt: its session's, else its course's."""
    opened = ProviderSession.objects.filter(attempt_code=attempt.attempt_code)
    return opened.values_list("provider", flat=True).first() or (
        Course.objects.filter(pk=attempt.course_id)
        .values_list("proctoring_provider", flat=True)
        .get()
    )


def _missing_attempt_outcome(attempt_code: str) -> str:
    cleared = AuditLogEntry.objects.filter(
        action=AuditAction.ATTEMPT_CLEARED, details__attempt_code=attempt_code
    )
    return "attempt_cleared" if cleared.exists() else "unknown_attempt"


def _apply(
    event: CallbackEvent,
    attempt: Attempt,
    provider: ProctoringProvider,
    delivery: CallbackDelivery,
    now: datetime,
) -> str:
    reason = f"{delivery.provider}: {event.event}"
    if event.event == "ready":
        exam_services.attempt_mark_ready(attempt_id=attempt.pk, now=now)
    elif event.event == "session_submitted":
        exam_services.attempt_session_submitted(attempt_id=attempt.pk, now=now)
    elif event.event == "error":
        exam_services.attempt_error(
            attempt_id=attempt.pk,
            actor=None,
            now=now,
            reason=f"{reason}: {event.reason or 'software error'}",
        )
    elif event.event == "heartbeat":
        ProviderSession.objects.filter(attempt_code=attempt.attempt_code).update(
            last_heartbeat_at=event.occurred_at
        )
    elif event.event == "review":
        review = review_record(
            event=event,
            provider=provider,
            attempt=attempt,
            delivery=delivery,
            now=now,
        )
        return "applied" if review.is_applied else review.not_applied_reason
    return "applied"


def _finish(
    delivery: CallbackDelivery, status: str, outcome: str, now: datetime, detail: str = ""
) -> CallbackDelivery:
    delivery.status = status
    delivery.outcome = outcome
    delivery.detail = detail
    delivery.processed_at = now
    delivery.save(update_fields=["status", "outcome", "detail", "processed_at"])
    return delivery
