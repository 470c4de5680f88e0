"""How API requests are authenticated: by the session, as DRF's SessionAuthentication does,
reading the learner with their attempt on the learner's attempt views."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication
from rest_framework.request import Request

from exams.models import Attempt
from exams.permissions import access_attempt_as_learner, access_attempt_by_session


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (the API's only one). On a view that acts on the signed-in
    learner's own attempt (`reads_learner_with_attempt`, the attempt's id in the URL as
    `attempt_id`), one query reads who is signed in with that attempt, where the usual path
    spends one on each; the attempt is then `request.auth` (read it with `learner_attempt`).

    A session it cannot vouch for that way (another backend, an old secret, not this learner's
    attempt) is authenticated as DRF does. CSRF is checked either way.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        context = request.parser_context or {}
        attempt_id = context.get("kwargs", {}).get("attempt_id")
        session = getattr(request._request, "session", None)
        if (
            attempt_id is not None
            and session is not None
            and getattr(context.get("view"), "reads_learner_with_attempt", False)
        ):
            attempt = access_attempt_by_session(session, attempt_id, whole_learner=True)
            if attempt is not None:
                self.enforce_csrf(request)
                return attempt.learner, attempt
        return super().authenticate(request)


class SessionAuthenticationScheme(SessionScheme):
    """In the OpenAPI schema: the session cookie, as for DRF's SessionAuthentication."""

    target_class = "exams.api.authentication.SessionAuthentication"


def learner_attempt(request: Request, attempt_id: int) -> Attempt:
    """The signed-in learner's own attempt: the one SessionAuthentication read with the
    learner, else read now (NotFound when it is not theirs)."""
    attempt = request.auth
    if isinstance(attempt, Attempt) and attempt.pk == attempt_id:
        return attempt
    return access_attempt_as_learner(request.user, attempt_id)
