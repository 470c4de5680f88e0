"""Courses, enrollments and course roles: the host-LMS side, read through exams.integrations."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils.models import TimeStampedModel

COURSE_ID_PATTERN = r"^course-v1:[A-Za-z0-9_.\-]+\+[A-Za-z0-9_.\-]+\+[A-Za-z0-9_.\-]+$"


class Course(TimeStampedModel):
    """A course and its proctoring settings. No personal data."""

    course_id = models.CharField(
        max_length=255,
        unique=True,
        validators=[RegexValidator(COURSE_ID_PATTERN, _("Use the form course-v1:Org+Num+Run."))],
        help_text=_("The course key, for example course-v1:Org+Num+Run."),
    )
    name = models.CharField(max_length=255, help_text=_("The course's display name."))
    proctored_exams_enabled = models.BooleanField(
        default=False, help_text=_("Enable Proctored Exams: proctored and practice exams allowed.")
    )
    allow_opting_out = models.BooleanField(
        default=True,
        help_text=_("Allow Opting Out of Proctored Exams: verified learners may take them open."),
    )
    proctoring_provider = models.CharField(
        max_length=64,
        default="null",
        help_text=_("Name of the proctoring provider backend used by this course."),
    )

    class Meta:
        ordering = ["course_id"]

    def __str__(self) -> str:
        return self.course_id


class EnrollmentMode(models.TextChoices):
    AUDIT = "audit", _("Audit")
    VERIFIED = "verified", _("Verified")


class Enrollment(TimeStampedModel):
    """A learner's enrollment in a course and its track. Personal data: links a user to a course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    mode = models.CharField(
        max_length=16,
        choices=EnrollmentMode.choices,
        default=EnrollmentMode.AUDIT,
        help_text=_("The track: only verified learners get the proctoring choice."),
    )
    is_active = models.BooleanField(default=True, help_text=_("Inactive enrollments see nothing."))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrollment_unique"),
            models.CheckConstraint(
                condition=models.Q(mode__in=EnrollmentMode.values), name="enrollment_mode_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id} ({self.mode})"


class RoleName(models.TextChoices):
    INSTRUCTOR = "instructor", _("Instructor")
    STAFF = "staff", _("Course staff")


class CourseRole(TimeStampedModel):
    """A user's staff role in one course. Personal data: links a user to a course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_course_roles"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=16, choices=RoleName.choices, default=RoleName.STAFF)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course", "role"], name="course_role_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=RoleName.values), name="course_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.course_id}"
