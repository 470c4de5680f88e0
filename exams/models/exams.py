"""Exams (special-exam subsections) and their questions. No personal data."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from model_utils.models import TimeStampedModel

from exams.models.courses import Course


class ExamType(models.TextChoices):
    NONE = "none", _("Not a special exam")
    TIMED = "timed", _("Timed")
    PROCTORED = "proctored", _("Proctored")
    PRACTICE = "practice", _("Practice proctored")


PROCTORED_TYPES = frozenset({ExamType.PROCTORED, ExamType.PRACTICE})


class Exam(TimeStampedModel):
    """A subsection of a course set up as a special exam. No personal data."""

    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="exams",
        help_text=_("Set when the exam is made; it never changes (its attempts keep it too)."),
    )
    name = models.CharField(max_length=255, help_text=_("The exam's name in the course."))
    exam_type = models.CharField(
        max_length=16,
        choices=ExamType.choices,
        default=ExamType.TIMED,
        help_text=_("Special exam type. Proctored exams are always timed."),
    )
    time_limit_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("Time Allotted, in minutes. Required for every special exam type."),
    )
    due_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Due date; no attempt runs past it.")
    )
    review_rules = models.TextField(
        blank=True,
        help_text=_(
            "Additions or exceptions to the default proctoring rules, for learners and reviewers."
        ),
    )
    is_graded = models.BooleanField(default=True)
    passing_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Score (percent of points) needed to pass."),
    )
    is_active = models.BooleanField(default=True, help_text=_("Inactive exams are hidden."))
    position = models.PositiveIntegerField(default=0, help_text=_("Order within the course."))

    class Meta:
        ordering = ["course_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exam_type__in=ExamType.values), name="exam_type_known"
            ),
            models.CheckConstraint(
                condition=Q(exam_type=ExamType.NONE) | Q(time_limit_minutes__gt=0),
                name="special_exam_has_time_limit",
            ),
            models.CheckConstraint(
                condition=Q(passing_percent__gte=0) & Q(passing_percent__lte=100),
                name="exam_passing_percent_range",
            ),
            # What an attempt's (exam, course) foreign key refers to (PostgreSQL).
            models.UniqueConstraint(fields=["id", "course"], name="exam_id_course_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_proctored_type(self) -> bool:
        return self.exam_type in PROCTORED_TYPES

    @property
    def is_practice(self) -> bool:
        return self.exam_type == ExamType.PRACTICE


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    NUMERIC = "numeric", _("Numeric")
    TEXT = "text", _("Short text")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})


class Question(models.Model):
    """One question of an exam. No personal data."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    prompt = models.TextField()
    points = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    numeric_answer = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Numeric questions: the correct value."),
    )
    numeric_tolerance = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Numeric questions: answers within this distance are correct."),
    )
    text_answers = models.TextField(
        blank=True,
        help_text=_("Short-text questions: accepted answers, one per line (case is ignored)."),
    )

    class Meta:
        ordering = ["exam_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind=QuestionKind.NUMERIC) | Q(numeric_answer__isnull=False),
                name="numeric_question_has_answer",
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="question_points_positive"),
        ]

    def __str__(self) -> str:
        return self.prompt[:60]


class Choice(models.Model):
    """One option of a choice question. No personal data."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question_id", "position", "id"]

    def __str__(self) -> str:
        return self.text
