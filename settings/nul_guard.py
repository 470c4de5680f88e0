"""Refuse a NUL character in the address before any view reads it.

PostgreSQL refuses NUL in text, so `/courses/a%00b/` or `?q=a%00b` reaching a query was a 500
(SQLite just found nothing). No identifier, search or filter of the app holds NUL: a path
with one names nothing (404), a query string with one is bad input (400). The API gets its
error shape, pages a short text. Form and JSON bodies are checked by their fields.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

NUL = "\x00"


def _has_nul(request: HttpRequest) -> tuple[bool, bool]:
    in_query = any(
        NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
    )
    return NUL in request.path, in_query


class NulCharacterMiddleware:
    """Answer 404 for a NUL in the path and 400 for one in the query string."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        in_path, in_query = _has_nul(request)
        if not (in_path or in_query):
            return self.get_response(request)
        status, code, message = (
            (404, "not_found", "No such resource.")
            if in_path
            else (400, "invalid_input", "The query string contains a NUL character.")
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"code": code, "message": message, "extra": {}}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
