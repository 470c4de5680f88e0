"""An attempt's statuses and the groups the app reasons with.

Which status may follow which, by what verb and by whom, is the table in
`exams.lifecycle.moves`; only `exams.lifecycle` assigns `Attempt.status`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AttemptStatus(models.TextChoices):
    CREATED = "created", _("Created")
    DOWNLOAD_SOFTWARE_CLICKED = "download_software_clicked", _("Setting up proctoring")
    READY_TO_START = "ready_to_start", _("Ready to start")
    STARTED = "started", _("Started")
    READY_TO_SUBMIT = "ready_to_submit", _("Ready to submit")
    TIMED_OUT = "timed_out", _("Timed out")
    COMPLETED = "completed", _("Completed")
    SUBMITTED = "submitted", _("Submitted")
    SECOND_REVIEW_REQUIRED = "second_review_required", _("Second review required")
    VERIFIED = "verified", _("Satisfactory")
    REJECTED = "rejected", _("Unsatisfactory")
    ERROR = "error", _("Error")
    DECLINED = "declined", _("Declined")


S = AttemptStatus

# The learner is working on the exam: the clock (if any) runs and answers may be saved.
IN_PROGRESS = frozenset({S.STARTED, S.READY_TO_SUBMIT})
# Before the exam content is shown.
PRE_START = frozenset({S.CREATED, S.DOWNLOAD_SOFTWARE_CLICKED, S.READY_TO_START, S.DECLINED})
# The learner's part is over; no way leads back to an in-progress status.
FINISHED = frozenset(
    {
        S.TIMED_OUT,
        S.COMPLETED,
        S.SUBMITTED,
        S.SECOND_REVIEW_REQUIRED,
        S.VERIFIED,
        S.REJECTED,
    }
)
# Review results a provider (or support staff) can deliver.
REVIEW_RESULTS = frozenset({S.VERIFIED, S.REJECTED, S.SECOND_REVIEW_REQUIRED, S.ERROR})
# At most one attempt per learner and practice exam may be in one of these.
LIVE = PRE_START | IN_PROGRESS


def csv_label(status: str) -> str:
    """The status as the results report writes it: words separated by spaces."""
    return status.replace("_", " ")
