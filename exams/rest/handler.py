"""The DRF exception handler and the 404 handler: every API error leaves as
{"code", "message", "extra"}."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.defaults import page_not_found
from rest_framework import exceptions as drf
from rest_framework import parsers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from exams import json_input
from exams.exceptions import Conflict, DomainError, InvalidInput, NotAllowed, NotFound

STATUS_BY_ERROR: list[tuple[type[DomainError], int]] = [
    (InvalidInput, 400),
    (NotAllowed, 403),
    (NotFound, 404),
    (Conflict, 409),
]

CODE_BY_DRF_STATUS = {
    400: "invalid_input",
    401: "not_authenticated",
    403: "not_allowed",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with bounded nesting (exams.json_input): a body nested thousands of
    levels deep is a 400, not the parser's RecursionError."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise drf.ParseError(gettext("The JSON is nested too deeply.")) from None
        if json_input.too_deep(data):
            raise drf.ParseError(gettext("The JSON is nested too deeply."))
        return data


def domain_error_status(error: DomainError) -> int:
    for error_class, status in STATUS_BY_ERROR:
        if isinstance(error, error_class):
            return status
    return 400


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):  # over DATA_UPLOAD_MAX_MEMORY_SIZE
        body = {
            "code": "payload_too_large",
            "message": gettext("The body is too large."),
            "extra": {},
        }
        return Response(body, status=413)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        body = {"code": "invalid_input", "message": gettext("The input is not valid."), "extra": {}}
        return Response(body, status=400)
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "message": exc.message, "extra": exc.extra}
        return Response(body, status=domain_error_status(exc))
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf.ValidationError):
        body = {
            "code": "invalid_input",
            "message": gettext("The input is not valid."),
            "extra": {"fields": response.data},
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = CODE_BY_DRF_STATUS.get(response.status_code, "error")
        if isinstance(exc, drf.NotAuthenticated) and response.status_code == 403:
            code = "not_authenticated"
        body = {"code": code, "message": str(detail), "extra": {}}
    response.data = body
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a URL no pattern matches (`/api/v1/attempts/abc/`) answers the API's error
    shape under /api/, and the usual page elsewhere."""
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": gettext("No such resource."), "extra": {}}
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)
