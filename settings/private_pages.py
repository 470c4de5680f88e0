"""What a signed-in user is shown is theirs alone and changes as their exam moves on: it is
never stored by the browser or a cache on the way, and Back never shows a stale state."""

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PrivateNoStoreMiddleware:
    """`Cache-Control: no-store` (and `private`) on every answer to a signed-in user that does
    not set its own caching (the translations catalog does; static files never get here).

    Reads the session only (already loaded for the request), never the user row: the timer
    poll costs no query more."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            session is not None
            and SESSION_KEY in session
            and not response.has_header("Cache-Control")
        ):
            add_never_cache_headers(response)
        return response
