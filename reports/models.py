"""Report jobs: one row per requested proctored exam results report."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from exams.models import Course
from reports.state_machine import JobStatus


class ReportJob(models.Model):
    """A proctored exam results report, requested by course staff and built by a worker.

    The finished file holds personal data (learners' e-mails and results); the job row itself
    names who asked for it.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="report_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Last sign of life of the worker building it.")
    )
    tries = models.PositiveSmallIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    file_name = models.CharField(
        max_length=255, blank=True, help_text=_("The name the file downloads as.")
    )
    storage_name = models.CharField(
        max_length=255, blank=True, help_text=_("Where the finished file is in the storage.")
    )
    error = models.TextField(blank=True, help_text=_("Why the job failed, for the person."))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="report_job_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=JobStatus.DONE) | ~Q(storage_name=""),
                name="done_report_has_file",
            ),
        ]
        indexes = [models.Index(fields=["course", "-created_at"], name="report_job_course_idx")]

    def __str__(self) -> str:
        return f"report {self.pk} of {self.course_id} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == JobStatus.DONE else 0
        return min(100, int(self.rows_done * 100 / self.rows_total))
