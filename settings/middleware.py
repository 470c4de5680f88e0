"""While the database (or, for signing out, the session cache) cannot be reached, answer 503
with a Retry-After, never a 500 page."""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from settings.sessions import SessionStoreUnavailable

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "The service is briefly unavailable. Try again in a few seconds."


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection (restart, failover, network) into a clear 503.

    API clients get the API's error shape, {"code", "message", "extra"}; pages get a short
    text. Django drops the broken connection at the end of the request (it is marked unusable),
    and CONN_HEALTH_CHECKS replaces a stale persistent one before the next request uses it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, SessionStoreUnavailable):
            message = exception.message
            log.warning("session cache unavailable for %s %s", request.method, request.path)
        elif isinstance(exception, OperationalError | InterfaceError):
            message = MESSAGE
            log.warning(
                "database unavailable for %s %s: %s", request.method, request.path, exception
            )
        else:
            return None
        response: HttpResponse
        if request.path.startswith("/api/"):
            body = {"code": "service_unavailable", "message": message, "extra": {}}
            response = JsonResponse(body, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
