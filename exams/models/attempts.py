"""Attempts, their saved answers, and the append-only history of their status moves."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from model_utils.models import TimeStampedModel

from exams.models.courses import Course
from exams.models.exams import Exam, Question
from exams.statuses import LIVE, AttemptStatus


def new_attempt_code() -> str:
    """A random, unguessable identifier for an attempt, shown in reports and to providers."""
    return secrets.token_hex(16).upper()


class Attempt(TimeStampedModel):
    """One learner's attempt at one exam. Personal data: who took what, when, with which result.

    The status changes only through exams.services (see exams.statuses).
    """

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="attempts")
    # The exam's course, copied so that a course's attempts are one index range (the dashboard
    # pages through them). Always the exam's course: an exam never changes course, and on
    # PostgreSQL a foreign key on (exam, course) to the exam's (id, course) holds it so.
    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="attempts",
        editable=False,
        db_index=False,  # attempt_course_id_idx leads with it
        help_text=_("The exam's course."),
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts"
    )
    status = models.CharField(
        max_length=32,
        choices=AttemptStatus.choices,
        default=AttemptStatus.CREATED,
        help_text=_("Changed only through the attempt services, never edited by hand."),
    )
    attempt_code = models.CharField(
        max_length=64,
        unique=True,
        default=new_attempt_code,
        editable=False,
        help_text=_("Internal identifier for troubleshooting and for the proctoring provider."),
    )
    taking_as_proctored = models.BooleanField(
        default=False, help_text=_("The learner takes the exam with online proctoring.")
    )
    is_sample_attempt = models.BooleanField(
        default=False, help_text=_("A practice exam attempt: no credit, may be retried.")
    )
    started_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the clock runs out. Empty for an open exam (no time limit)."),
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    allowed_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "Time this learner was allotted (time allotted and allowances); the due date "
            "may cut it, see cut_by_due_date."
        ),
    )
    cut_by_due_date = models.BooleanField(
        default=False, help_text=_("The due date shortened the learner's allowed time.")
    )
    paused_remaining_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Time left when the attempt errored; the learner resumes with it."),
    )
    external_id = models.CharField(
        max_length=255, blank=True, help_text=_("The proctoring provider's session id.")
    )
    language = models.CharField(
        max_length=16,
        blank=True,
        help_text=_(
            "The site language the learner used when the attempt was made: e-mails about it "
            "are written in it (empty: the site's default)."
        ),
    )
    points_earned = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    points_possible = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AttemptStatus.values), name="attempt_status_known"
            ),
            # A real exam has one attempt per learner until staff clear it.
            models.UniqueConstraint(
                fields=["exam", "learner"],
                condition=Q(is_sample_attempt=False),
                name="one_attempt_per_learner_and_exam",
            ),
            # A practice exam may be retried, but only one attempt is live at a time.
            models.UniqueConstraint(
                fields=["exam", "learner"],
                condition=Q(status__in=sorted(LIVE)),
                name="one_live_attempt_per_learner_and_exam",
            ),
        ]
        indexes = [
            models.Index(
                fields=["deadline_at"],
                condition=Q(status__in=["started", "ready_to_submit"]),
                name="attempt_running_deadline_idx",
            ),
            models.Index(fields=["course", "id"], name="attempt_course_id_idx"),
            models.Index(fields=["course", "status", "id"], name="attempt_course_status_idx"),
            models.Index(fields=["exam", "status"], name="attempt_exam_status_idx"),
            models.Index(fields=["learner", "exam"], name="attempt_learner_exam_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_code} ({self.status})"

    @property
    def percent(self) -> float | None:
        if self.points_earned is None or not self.points_possible:
            return None
        return float(self.points_earned / self.points_possible * 100)


class Answer(TimeStampedModel):
    """A learner's saved answer to one question. Personal data: the learner's work."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    response = models.JSONField(
        help_text=_("Choice ids (list), a number (string), or text, by question kind.")
    )
    points_awarded = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question.position}. {self.question!s}"


class TransitionKind(models.TextChoices):
    STATUS = "status", _("Status change")
    DEADLINE = "deadline", _("Deadline change")


class AttemptTransition(models.Model):
    """Append-only history of an attempt: status moves and deadline changes.

    Personal data: who acted on whose attempt. Rows outlive a cleared attempt (`attempt` becomes
    empty, `attempt_code` remains), so nothing is lost.
    """

    attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="transitions"
    )
    attempt_code = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(
        max_length=16, choices=TransitionKind.choices, default=TransitionKind.STATUS
    )
    from_status = models.CharField(max_length=32, choices=AttemptStatus.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=AttemptStatus.choices)
    deadline_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The attempt's deadline after this entry.")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who caused it; empty for the system (sweeper, provider)."),
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TransitionKind.values), name="transition_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_code}: {self.from_status or '-'} -> {self.to_status}"
