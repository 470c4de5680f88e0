"""LTI 1.3 registrations (platforms and their deployments), the tool's own key pairs, what
launches created (the course of a platform's context, the user of a platform's subject, the
links to exams and who launched them), and the grades waiting to be posted (the outbox).
Courses, enrollments and roles themselves are the exams app's."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from model_utils.models import TimeStampedModel

from exams.models import Course, EnrollmentMode


class UnsatisfactoryGrade(models.TextChoices):
    ZERO = "zero", _("Post 0 as the final grade")
    PENDING = "pending", _("Leave it for a person (PendingManual)")


class SyncState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    SUPERSEDED = "superseded", _("Superseded by a newer grade before it was sent")


class Platform(TimeStampedModel):
    """An LMS registered with this tool: its issuer and our client id there, and its
    endpoints."""

    name = models.CharField(max_length=200, help_text=_("For people, e.g. 'University Moodle'."))
    issuer = models.CharField(max_length=255, help_text=_("The platform's `iss`, a URL."))
    client_id = models.CharField(max_length=255, help_text=_("Our client id at the platform."))
    auth_login_url = models.URLField(
        max_length=1024, help_text=_("The platform's OIDC authorization endpoint.")
    )
    auth_token_url = models.URLField(
        max_length=1024, help_text=_("The platform's OAuth2 token endpoint (grades, roster).")
    )
    auth_audience = models.CharField(
        max_length=1024,
        blank=True,
        help_text=_("The token endpoint's audience, when it is not the token URL (rare)."),
    )
    key_set_url = models.URLField(max_length=1024, help_text=_("The platform's JWKS URL."))
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer}, {self.client_id})"


class Deployment(TimeStampedModel):
    """One deployment of this tool on a platform (a platform may deploy it several times)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="lti_deployment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deployment_id} on {self.platform.name}"


class ToolKey(models.Model):
    """A key pair of this tool. The newest active one signs; a retired one stays in the JWKS
    for a grace period (LTI_KEY_GRACE_SECONDS) so platforms that cached it keep working."""

    kid = models.CharField(max_length=64, unique=True)
    private_key = models.TextField(help_text=_("PEM. Secret."))
    public_key = models.TextField(help_text=_("PEM."))
    created = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.kid


class LaunchContext(TimeStampedModel):
    """The course a platform's context launched into: keyed by (deployment, context id), so
    the same context id on two deployments is two courses."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="lti_context")
    learner_track = models.CharField(
        max_length=16,
        choices=EnrollmentMode.choices,
        default=EnrollmentMode.VERIFIED,
        help_text=_(
            "The track of learners launched from the platform (verified learners are offered "
            "proctoring). A launch's custom parameter exam_track=verified|audit overrides it."
        ),
    )
    unsatisfactory_grade = models.CharField(
        max_length=16,
        choices=UnsatisfactoryGrade.choices,
        default=UnsatisfactoryGrade.ZERO,
        help_text=_("What the platform's gradebook gets after an Unsatisfactory review."),
    )
    memberships_url = models.URLField(
        max_length=1024, blank=True, help_text=_("The platform's roster (NRPS) of this course.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "context_id"], name="lti_context_unique")
        ]

    def __str__(self) -> str:
        return f"{self.context_id} -> {self.course.course_id}"


class LaunchUser(TimeStampedModel):
    """The local user of a platform's subject: keyed by (issuer, sub), never by e-mail."""

    issuer = models.CharField(max_length=255)
    sub = models.CharField(max_length=255)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identity"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="lti_user_unique")]

    def __str__(self) -> str:
        return f"{self.sub} at {self.issuer}"


class ResourceLink(TimeStampedModel):
    """A link to one exam in a platform's course (deep-linked, or placed by hand with the
    custom parameter exam_id), and the line item its grades go to."""

    deployment = models.ForeignKey(
        Deployment, on_delete=models.CASCADE, related_name="resource_links"
    )
    resource_link_id = models.CharField(max_length=255)
    exam = models.ForeignKey(
        "exams.Exam", on_delete=models.CASCADE, null=True, related_name="lti_links"
    )
    lineitem = models.URLField(max_length=1024, blank=True, help_text=_("AGS line item URL."))
    scopes = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "resource_link_id"], name="lti_resource_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_link_id} ({self.deployment})"


class ResourceLaunch(models.Model):
    """A learner launched this link: their grades for its exam go to its line item."""

    resource_link = models.ForeignKey(
        ResourceLink, on_delete=models.CASCADE, related_name="launches"
    )
    identity = models.ForeignKey(LaunchUser, on_delete=models.CASCADE, related_name="launches")
    first_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource_link", "identity"], name="lti_resource_launch_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.identity} launched {self.resource_link}"


class GradeSync(TimeStampedModel):
    """One grade to post (the outbox): a row per (attempt, revision), where the revision is the
    status that made it. Sent in the order made, newest wins: an older row still waiting when
    a newer one exists is superseded, never sent after it."""

    attempt = models.ForeignKey(
        "exams.Attempt", on_delete=models.CASCADE, related_name="lti_grades"
    )
    revision = models.CharField(max_length=64, help_text=_("The status and when it was reached."))
    resource_link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE, related_name="+")
    user_sub = models.CharField(max_length=255)
    score_given = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    score_maximum = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    activity_progress = models.CharField(max_length=16)
    grading_progress = models.CharField(max_length=16)
    timestamp = models.DateTimeField(help_text=_("When the grade was made (sent as such)."))
    state = models.CharField(max_length=16, choices=SyncState.choices, default=SyncState.PENDING)
    tries = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt_id", "timestamp", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "revision", "resource_link"], name="lti_grade_sync_unique"
            )
        ]
        indexes = [models.Index(fields=["state", "next_try_at"], name="lti_grade_due")]

    def __str__(self) -> str:
        return f"attempt {self.attempt_id} {self.revision}: {self.state}"


class UsedInvitation(models.Model):
    """A Dynamic Registration invitation spent: each registers one platform."""

    jti = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField()
    platform = models.ForeignKey(Platform, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"invitation {self.jti} used {self.used_at:%Y-%m-%d}"
