"""Opening proctoring sessions with the course's provider, and telling it about the exam."""

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from exams.models import Attempt
from exams.selectors import allowances_effective
from proctoring.models import ProviderExam, ProviderSession
from proctoring.providers import get_provider
from proctoring.providers.base import ExamRegistration, LearnerUi, SessionRequest


def learner_ref(attempt: Attempt) -> str:
    """An opaque, stable id for the learner, so providers never get the username."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:learner:{attempt.learner_id}".encode())
    return digest.hexdigest()[:24]


def session_open(*, attempt_id: int, now: datetime | None = None) -> ProviderSession | None:
    """Register the exam (once) and open the provider session for a proctored attempt.

    Idempotent: an attempt with a session keeps it. The provider call happens outside any
    transaction so a slow vendor never holds a row lock. Returns None for unproctored attempts.
    """
    now = now or timezone.now()
    attempt = (
        Attempt.objects.select_related("exam__course", "learner").filter(pk=attempt_id).first()
    )
    if attempt is None or not attempt.taking_as_proctored:
        return None
    existing = ProviderSession.objects.filter(attempt_code=attempt.attempt_code).first()
    if existing is not None:
        return existing
    exam = attempt.exam
    provider = get_provider(exam.course.proctoring_provider)
    provider_exam = ProviderExam.objects.filter(exam=exam, provider=provider.name).first()
    if provider_exam is None:
        external = provider.register_exam(
            ExamRegistration(
                exam_id=exam.pk,
                name=exam.name,
                time_limit_minutes=exam.time_limit_minutes or 0,
                review_rules=exam.review_rules,
                is_practice=exam.is_practice,
            )
        )
        provider_exam, _ = ProviderExam.objects.get_or_create(
            exam=exam,
            provider=provider.name,
            defaults={"external_id": external, "registered_at": now},
        )
    extra = allowances_effective(learner_id=attempt.learner_id, exam=exam, now=now)
    request = SessionRequest(
        attempt_code=attempt.attempt_code,
        exam_external_id=provider_exam.external_id,
        learner_ref=learner_ref(attempt),
        learner_name=attempt.learner.get_full_name() or attempt.learner.get_username(),
        allowed_seconds=extra.seconds_for(exam),
        review_rules=exam.review_rules,
        review_exceptions=extra.review_exceptions,
        is_practice=exam.is_practice,
        callback_url=settings.PROCTORING_CALLBACK_BASE_URL.rstrip("/")
        + reverse("proctoring-api:callback", args=[provider.name]),
    )
    opened = provider.open_session(request)
    with transaction.atomic():
        session, _ = ProviderSession.objects.get_or_create(
            attempt_code=attempt.attempt_code,
            defaults={
                "attempt": attempt,
                "provider": provider.name,
                "external_id": opened.external_id,
                "software_url": opened.software_url,
                "opened_at": now,
                "review_rules": exam.review_rules,
                "review_exceptions": list(extra.review_exceptions),
            },
        )
    return session


def session_notify(*, attempt_id: int, event: str) -> None:
    """Tell the provider an attempt's exam started or stopped (no-op without a session)."""
    session = ProviderSession.objects.filter(attempt_id=attempt_id).first()
    if session is None:
        return
    get_provider(session.provider).notify(
        external_id=session.external_id, attempt_code=session.attempt_code, event=event
    )


def learner_ui_for(attempt: Attempt) -> LearnerUi:
    """The provider's setup steps and links for this attempt (used by the exam page)."""
    if not attempt.taking_as_proctored:
        return LearnerUi()
    provider = get_provider(attempt.exam.course.proctoring_provider)
    ui = provider.learner_ui(attempt.attempt_code)
    if attempt.is_sample_attempt and ui.liveness_channel:
        # Practice exams are not monitored: no liveness check.
        ui = LearnerUi(steps=ui.steps, software_url=ui.software_url)
    return ui
