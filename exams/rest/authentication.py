"""How API requests are authenticated: by the session, as DRF's SessionAuthentication does,
reading the learner with their attempt on the learner's attempt views."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication
from rest_framework.request import Request

from exams.rest.gate import attempt_of_session


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (the API's only one). On a view that acts on the signed-in
    learner's own attempt (`reads_learner_with_attempt`, the attempt's id in the URL as
    `attempt_id`), the learner's gate reads who is signed in with that attempt in one query,
    where the usual path spends one on each; the attempt is then `request.auth`, which
    `exams.rest.gate.learner_attempt` hands to the view.

    A session the gate cannot vouch for that way (another backend, an old secret, not this
    learner's attempt) is authenticated as DRF does. CSRF is checked either way.
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
            attempt = attempt_of_session(session, attempt_id)
            if attempt is not None:
                self.enforce_csrf(request)
                return attempt.learner, attempt
        return super().authenticate(request)


class SessionAuthenticationScheme(SessionScheme):
    """In the OpenAPI schema: the session cookie, as for DRF's SessionAuthentication."""

    target_class = "exams.rest.authentication.SessionAuthentication"
