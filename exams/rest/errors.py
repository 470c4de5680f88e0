"""How the API's refusals are described in the OpenAPI schema.

Every refusal leaves through exams.rest.handler.exception_handler with one shape; each operation
lists the statuses it can answer with that shape, through `refusals(...)`.
"""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


@extend_schema_serializer(component_name="Error")
class ErrorOutput(serializers.Serializer):
    """A refusal: a stable code, a message for people, and details (the fields that are not
    valid, the rows of a CSV file, the exams in the way, ...)."""

    code = serializers.CharField()
    message = serializers.CharField()
    extra = serializers.DictField()


def refusals(*statuses: int) -> dict[int, type[ErrorOutput]]:
    """The error responses of an operation, for `@extend_schema(responses=...)`.

    403 belongs to every operation that needs a session (not signed in, or no CSRF token), 404
    to every one with an id in its path, 400 and 415 to every one that reads a body, 409 to
    every one whose service refuses a move in the current state.
    """
    return dict.fromkeys(statuses, ErrorOutput)
