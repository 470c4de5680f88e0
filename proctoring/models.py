"""Provider sessions, the raw callbacks inbox, and reviews."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from exams.models import Attempt, Exam


class ProviderExam(models.Model):
    """An exam as registered with a proctoring provider. No personal data."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="provider_exams")
    provider = models.CharField(max_length=64)
    external_id = models.CharField(max_length=255, help_text=_("The provider's id of the exam."))
    registered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exam", "provider"], name="provider_exam_unique")
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.external_id}"


class ProviderSession(models.Model):
    """A proctoring session opened for one attempt. Personal data: tied to a learner's attempt.

    Outlives a cleared attempt (the attempt code stays) so late callbacks can still be matched
    and ignored.
    """

    attempt = models.OneToOneField(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="provider_session"
    )
    attempt_code = models.CharField(max_length=64, unique=True)
    provider = models.CharField(max_length=64)
    external_id = models.CharField(max_length=255, blank=True)
    software_url = models.CharField(max_length=500, blank=True)
    opened_at = models.DateTimeField()
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    review_rules = models.TextField(blank=True, help_text=_("Rules sent with the session."))
    review_exceptions = models.JSONField(
        default=list, blank=True, help_text=_("The learner's review exceptions sent to reviewers.")
    )

    def __str__(self) -> str:
        return f"{self.provider} session {self.external_id or self.attempt_code}"


class DeliveryStatus(models.TextChoices):
    REJECTED = "rejected", _("Rejected (not authenticated or malformed)")
    RECEIVED = "received", _("Received, waiting to be processed")
    APPLIED = "applied", _("Applied to the attempt")
    IGNORED = "ignored", _("Kept but not applied")
    FAILED = "failed", _("Processing failed")


class CallbackDelivery(models.Model):
    """One raw HTTP callback from a provider, stored before anything else is done with it.

    Personal data: may carry the provider's notes about a learner.
    """

    provider = models.CharField(max_length=64)
    delivery_id = models.CharField(max_length=128, blank=True)
    received_at = models.DateTimeField()
    headers = models.JSONField(default=dict, help_text=_("The authentication headers received."))
    body = models.TextField(help_text=_("The raw body, as received."))
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.RECEIVED
    )
    outcome = models.CharField(
        max_length=64, blank=True, help_text=_("A stable code saying what came of it.")
    )
    detail = models.TextField(blank=True)
    attempt_code = models.CharField(max_length=64, blank=True, db_index=True)
    event = models.CharField(max_length=32, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = "callback deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "delivery_id"],
                condition=~Q(status=DeliveryStatus.REJECTED),
                name="delivery_once_per_provider",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_known"
            ),
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(status="received"),
                name="delivery_pending_idx",
            ),
            # How many refused deliveries were kept lately (callback_receive bounds them).
            models.Index(
                fields=["provider", "received_at"],
                condition=Q(status="rejected"),
                name="delivery_rejected_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.delivery_id or '-'} ({self.status})"


class Review(models.Model):
    """A review result delivered for an attempt (or decided by support staff).

    Personal data: the reviewers' notes about a learner.
    """

    attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    attempt_code = models.CharField(max_length=64, db_index=True)
    provider = models.CharField(max_length=64)
    delivery = models.OneToOneField(
        CallbackDelivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="review"
    )
    verdict = models.CharField(max_length=64, help_text=_("The provider's verdict, as sent."))
    result = models.CharField(max_length=32, help_text=_("The attempt status the verdict maps to."))
    flags = models.JSONField(default=list, blank=True)
    comments = models.TextField(blank=True)
    review_url = models.URLField(
        max_length=1000,
        blank=True,
        help_text=_("The provider's page for this review (its recording and notes), if given."),
    )
    reviewed_at = models.DateTimeField(help_text=_("When the provider says it reviewed."))
    received_at = models.DateTimeField()
    is_applied = models.BooleanField(default=False)
    email_due = models.BooleanField(
        default=False,
        help_text=_("This review settled the attempt, so the learner is to be told by e-mail."),
    )
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the learner was told (at most once).")
    )
    # Why it was not applied: an error code, "stale_review", or HELD (it arrived while the
    # learner was still taking the exam, and is applied when the exam ends).
    not_applied_reason = models.CharField(max_length=64, blank=True)
    HELD = "attempt_in_progress"
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Support staff who decided it by hand; empty for provider reviews."),
    )

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.attempt_code}: {self.verdict} -> {self.result}"
