"""Proctoring's domain errors (on top of exams.exceptions)."""

from django.utils.translation import gettext_lazy as _

from exams.exceptions import DomainError, NotFound


class CallbackRejected(DomainError):
    """A callback is not authentic, not fresh, or not readable. `code` says which."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class UnknownProvider(NotFound):
    code = "unknown_provider"
    default_message = _("No proctoring provider of that name is configured.")


class ProviderUnavailable(DomainError):
    code = "provider_unavailable"
    default_message = _("The proctoring provider did not answer.")
