"""Domain errors. Each has a stable `code`; the API's exception handler picks the HTTP status.

No exception here knows about HTTP. Services raise these; views and admin actions show them.
"""

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class DomainError(Exception):
    """Base of every error the domain reports to a person or a client."""

    code = "error"
    default_message: "StrOrPromise" = _("The request could not be completed.")

    def __init__(self, message: "StrOrPromise | None" = None, **extra: Any) -> None:
        self.message = str(message or self.default_message)
        self.extra = extra
        super().__init__(self.message)


class InvalidInput(DomainError):
    """The input is malformed or out of range."""

    code = "invalid_input"
    default_message = _("The input is not valid.")


class NotFound(DomainError):
    """The object does not exist, or the user may not see it (the two look the same)."""

    code = "not_found"
    default_message = _("Not found.")


class NotAllowed(DomainError):
    """The user is known to the object but may not do this to it."""

    code = "not_allowed"
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    """The request is well formed but the current state forbids it."""

    code = "conflict"
    default_message = _("The request conflicts with the current state.")


class IllegalTransition(Conflict):
    code = "illegal_transition"
    default_message = _("This attempt cannot move to that status.")

    def __init__(self, *, current: str, target: str, message: "StrOrPromise | None" = None) -> None:
        super().__init__(
            message
            or _("An attempt in status '%(current)s' cannot move to '%(target)s'.")
            % {"current": current, "target": target},
            current=current,
            target=target,
        )


class DeadlinePassed(Conflict):
    code = "deadline_passed"
    default_message = _("The time for this exam has run out; the answer was not saved.")


class ExamClosed(Conflict):
    code = "exam_closed"
    default_message = _("The due date of this exam has passed.")


class AttemptExists(Conflict):
    code = "attempt_exists"
    default_message = _("You already have an attempt at this exam.")


class OptOutNotAllowed(Conflict):
    code = "opt_out_not_allowed"
    default_message = _("This course does not allow taking proctored exams without proctoring.")


class ProctoringDisabled(Conflict):
    code = "proctoring_disabled"
    default_message = _("Proctored exams are not enabled for this course.")


class AllowanceExists(Conflict):
    code = "allowance_exists"
    default_message = _("This learner already has an allowance of this kind for this exam.")


class NotEnrolled(Conflict):
    code = "not_enrolled"
    default_message = _("The learner is not enrolled in this course.")


class VerifiedTrackRequired(Conflict):
    code = "verified_track_required"
    default_message = _("Only learners in the verified track can take this exam with proctoring.")


class AttemptInProgress(Conflict):
    code = "attempt_in_progress"
    default_message = _("Finish the attempt in progress before starting another one.")


class NotResumable(Conflict):
    code = "not_resumable"
    default_message = _(
        "Only an attempt that stopped with an error before it ended can be resumed."
    )


class ExamHasAttempts(Conflict):
    code = "exam_has_attempts"
    default_message = _("This exam already has attempts; its type can no longer change.")


class ProctoredExamsActive(Conflict):
    code = "proctored_exams_active"
    default_message = _(
        "The course still has active proctored or practice exams; make them timed exams or "
        "deactivate them before disabling proctored exams."
    )


class ProviderInUse(Conflict):
    code = "provider_in_use"
    default_message = _(
        "Learners are in the middle of proctored attempts with the current provider; change the "
        "provider once they have finished."
    )


class CsvFileRejected(InvalidInput):
    """The uploaded CSV file as a whole cannot be read (before any row is looked at)."""

    code = "csv_invalid"
    default_message = _("The file could not be read as a CSV file.")


class CsvTooLarge(CsvFileRejected):
    code = "csv_too_large"
    default_message = _("The file is too large.")


class CsvTooManyRows(CsvFileRejected):
    code = "csv_too_many_rows"
    default_message = _("The file has too many rows.")


class CsvNotUtf8(CsvFileRejected):
    code = "csv_not_utf8"
    default_message = _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again.")


class CsvEmpty(CsvFileRejected):
    code = "csv_empty"
    default_message = _("The file is empty.")


class CsvBadHeader(CsvFileRejected):
    code = "csv_bad_header"
    default_message = _("The first line must name the columns.")


class CsvMalformed(CsvFileRejected):
    code = "csv_malformed"
    default_message = _("The file is not valid CSV.")


class CsvRowsInvalid(InvalidInput):
    """Some rows of an uploaded CSV have problems; `extra["rows"]` reports every row."""

    code = "csv_rows_invalid"
    default_message = _("Some rows have problems; nothing was saved.")


class NothingGranted(InvalidInput):
    """A bulk grant in which every (learner, exam) pair was refused; `extra` has the results."""

    code = "nothing_granted"
    default_message = _("No allowance was granted.")


class UnknownLearner(InvalidInput):
    code = "unknown_learner"
    default_message = _("No user with this username or e-mail.")
