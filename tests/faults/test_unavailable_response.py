"""What a request gets while the database cannot be reached (no database needed here)."""

import json

from django.db import InterfaceError, OperationalError, ProgrammingError
from django.http import HttpResponse
from django.test import RequestFactory

from settings.middleware import DatabaseUnavailableMiddleware


def _middleware() -> DatabaseUnavailableMiddleware:
    return DatabaseUnavailableMiddleware(lambda request: HttpResponse())


def test_api_request_gets_503_in_the_api_error_shape_with_retry_after():
    request = RequestFactory().get("/api/v1/attempts/1/")

    response = _middleware().process_exception(request, OperationalError("connection refused"))

    assert response is not None
    assert (response.status_code, response["Content-Type"]) == (503, "application/json")
    assert response["Retry-After"] == "5"
    assert json.loads(response.content) == {
        "code": "service_unavailable",
        "message": "The service is briefly unavailable. Try again in a few seconds.",
        "extra": {},
    }


def test_page_request_gets_a_short_503_text():
    request = RequestFactory().get("/exams/1/")

    response = _middleware().process_exception(request, InterfaceError("connection already closed"))

    assert response is not None
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.content == b"The service is briefly unavailable. Try again in a few seconds."


def test_other_database_errors_are_left_to_the_usual_500():
    request = RequestFactory().get("/api/v1/attempts/1/")

    assert _middleware().process_exception(request, ProgrammingError("no such column")) is None
    assert _middleware().process_exception(request, ValueError("bug")) is None
