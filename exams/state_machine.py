"""Attempt lifecycle: the one place that knows which status may follow which.

Two tables, because the proctoring handshake applies only to proctored and practice attempts:
an unproctored attempt (timed exam, open exam, opted out) goes straight from `created` to
`started`; a proctored one must pass setup and the provider's "ready" first.
Nothing outside `exams.services` assigns `Attempt.status`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from exams.exceptions import IllegalTransition


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

UNPROCTORED_MOVES: dict[AttemptStatus, frozenset[AttemptStatus]] = {
    S.CREATED: frozenset({S.STARTED, S.DECLINED}),
    S.DECLINED: frozenset({S.STARTED}),  # the opted-out learner opens the exam (no time limit)
    S.DOWNLOAD_SOFTWARE_CLICKED: frozenset(),
    S.READY_TO_START: frozenset(),
    S.STARTED: frozenset({S.READY_TO_SUBMIT, S.COMPLETED, S.TIMED_OUT}),
    S.READY_TO_SUBMIT: frozenset({S.STARTED, S.COMPLETED, S.TIMED_OUT}),
    S.TIMED_OUT: frozenset(),
    S.COMPLETED: frozenset(),
    S.SUBMITTED: frozenset(),
    S.SECOND_REVIEW_REQUIRED: frozenset(),
    S.VERIFIED: frozenset(),
    S.REJECTED: frozenset(),
    S.ERROR: frozenset(),
}

PROCTORED_MOVES: dict[AttemptStatus, frozenset[AttemptStatus]] = {
    S.CREATED: frozenset({S.DOWNLOAD_SOFTWARE_CLICKED, S.ERROR}),
    S.DOWNLOAD_SOFTWARE_CLICKED: frozenset({S.READY_TO_START, S.ERROR}),
    S.READY_TO_START: frozenset({S.STARTED, S.ERROR}),
    S.STARTED: frozenset({S.READY_TO_SUBMIT, S.COMPLETED, S.TIMED_OUT, S.ERROR}),
    S.READY_TO_SUBMIT: frozenset({S.STARTED, S.COMPLETED, S.TIMED_OUT, S.ERROR}),
    # The provider confirms the session upload, or reports that it failed.
    S.TIMED_OUT: frozenset({S.SUBMITTED, S.ERROR}),
    S.COMPLETED: frozenset({S.SUBMITTED, S.ERROR}),
    S.SUBMITTED: frozenset({S.VERIFIED, S.REJECTED, S.SECOND_REVIEW_REQUIRED, S.ERROR}),
    S.SECOND_REVIEW_REQUIRED: frozenset({S.VERIFIED, S.REJECTED, S.ERROR}),
    # A newer review (second review, appeal) may overturn an earlier result.
    S.VERIFIED: frozenset({S.REJECTED}),
    S.REJECTED: frozenset({S.VERIFIED}),
    # Staff let the learner resume: before the exam began the setup is done again; after, the
    # learner starts again with the time that remained. Staff may also settle a review by hand.
    # A resume after the due date closes the attempt with the answers saved so far.
    S.ERROR: frozenset(
        {S.DOWNLOAD_SOFTWARE_CLICKED, S.READY_TO_START, S.TIMED_OUT, S.VERIFIED, S.REJECTED}
    ),
    S.DECLINED: frozenset(),
}

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


def moves(*, proctored: bool) -> dict[AttemptStatus, frozenset[AttemptStatus]]:
    """Return the table of legal moves for a proctored or an unproctored attempt."""
    return PROCTORED_MOVES if proctored else UNPROCTORED_MOVES


def is_legal(current: str, target: str, *, proctored: bool) -> bool:
    return AttemptStatus(target) in moves(proctored=proctored)[AttemptStatus(current)]


def check_transition(current: str, target: str, *, proctored: bool) -> None:
    """Raise IllegalTransition unless `target` may directly follow `current`."""
    if not is_legal(current, target, proctored=proctored):
        raise IllegalTransition(current=current, target=target)


def csv_label(status: str) -> str:
    """The status as the results report writes it: words separated by spaces."""
    return status.replace("_", " ")
