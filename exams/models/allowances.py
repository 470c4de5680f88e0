"""Allowances: typed exceptions to an exam's policy for one learner."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from model_utils.models import TimeStampedModel

from exams.models.courses import Course
from exams.models.exams import Exam


class AllowanceKind(models.TextChoices):
    ADDITIONAL_MINUTES = "additional_minutes", _("Additional minutes")
    TIME_MULTIPLIER = "time_multiplier", _("Time multiplier")
    REVIEW_EXCEPTION = "review_exception", _("Review exception")


MAX_ADDITIONAL_MINUTES = 24 * 60
MAX_MULTIPLIER = Decimal("10.00")


class Allowance(TimeStampedModel):
    """One allowance for one learner, for one exam or every timed exam of the course.

    Personal data: often reveals a learner's accommodation needs.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="allowances")
    exam = models.ForeignKey(
        Exam,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="allowances",
        help_text=_("Empty: applies to every timed exam of the course, including future ones."),
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_allowances"
    )
    kind = models.CharField(max_length=24, choices=AllowanceKind.choices)
    minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ADDITIONAL_MINUTES)],
        help_text=_("Additional minutes (additional-minutes allowances only)."),
    )
    multiplier = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1.01")), MaxValueValidator(MAX_MULTIPLIER)],
        help_text=_("Time multiplier, e.g. 1.5 (time-multiplier allowances only)."),
    )
    text = models.TextField(
        blank=True,
        help_text=_("What the reviewers must take into account (review exceptions only)."),
    )
    reason = models.TextField(blank=True, help_text=_("Why the allowance was granted."))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Optional: the allowance no longer applies after this.")
    )

    class Meta:
        ordering = ["course_id", "learner_id", "exam_id", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AllowanceKind.values), name="allowance_kind_known"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=AllowanceKind.ADDITIONAL_MINUTES,
                        minutes__gt=0,
                        multiplier__isnull=True,
                        text="",
                    )
                    | Q(
                        kind=AllowanceKind.TIME_MULTIPLIER,
                        multiplier__gt=1,
                        minutes__isnull=True,
                        text="",
                    )
                    | (
                        Q(
                            kind=AllowanceKind.REVIEW_EXCEPTION,
                            minutes__isnull=True,
                            multiplier__isnull=True,
                        )
                        & ~Q(text="")
                    )
                ),
                name="allowance_value_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["learner", "exam", "kind"],
                condition=Q(exam__isnull=False),
                name="one_allowance_per_kind_and_exam",
            ),
            models.UniqueConstraint(
                fields=["learner", "course", "kind"],
                condition=Q(exam__isnull=True),
                name="one_course_allowance_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["learner", "course"], name="allowance_learner_course_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value_display}"

    @property
    def value_display(self) -> str:
        if self.kind == AllowanceKind.ADDITIONAL_MINUTES:
            return gettext("+%(minutes)s min") % {"minutes": self.minutes}
        if self.kind == AllowanceKind.TIME_MULTIPLIER:
            return gettext("x%(multiplier)s") % {"multiplier": self.multiplier}
        return self.text
