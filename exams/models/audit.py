"""The audit log of events that are not status moves (clears, allowance and settings changes)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exams.models.courses import Course


class AuditAction(models.TextChoices):
    ATTEMPT_CLEARED = "attempt_cleared", _("Attempt cleared")
    ALLOWANCE_GRANTED = "allowance_granted", _("Allowance granted")
    ALLOWANCE_CHANGED = "allowance_changed", _("Allowance changed")
    ALLOWANCE_REVOKED = "allowance_revoked", _("Allowance revoked")
    COURSE_SETTINGS_CHANGED = "course_settings_changed", _("Course settings changed")
    EXAM_SETTINGS_CHANGED = "exam_settings_changed", _("Exam settings changed")


class AuditLogEntry(models.Model):
    """Append-only record of who did what to whom. Personal data: names learners and staff."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    course = models.ForeignKey(
        Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target = models.CharField(
        max_length=255, help_text=_("What was acted on, e.g. 'attempt 3F2A…' or 'allowance 12'.")
    )
    summary = models.TextField(help_text=_("A readable account, kept after the target is gone."))
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit log entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"
