"""The learner's gate: from the request's session to (learner, attempt), for every view that
acts on the signed-in learner's own attempt (the timer poll, the attempt's GET, its actions,
answer saves).

`attempt_of_session` reads who the session is signed in as with the attempt, in one query
where `request.user` and the attempt would take one each; it checks what
`django.contrib.auth.get_user` checks of a ModelBackend session. `learner_attempt` is the
gate itself: the attempt read that way (by the poll before DRF, or by `SessionAuthentication`
as `request.auth`), else through `request.user` as any view would read it. Missing and
forbidden look the same (NotFound), so ids cannot be probed.
"""

from typing import cast

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from rest_framework.request import Request

from exams.exceptions import NotFound
from exams.models import Attempt
from exams.selectors.rows import attempt_of_learner

# The one backend whose sessions attempt_of_session can check itself.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def attempt_of_session(session: SessionBase, attempt_id: int) -> Attempt | None:
    """The attempt (with its exam, and its learner's whole row as `attempt.learner`), if it
    belongs to the user this session is signed in as: one query, without reading
    `request.user` first.

    The learner must be active and the session's password hash must match the current
    secret, as `get_user` requires. None whenever it cannot vouch (another backend, a hash from
    an old secret, not this user's attempt): `learner_attempt` then asks `request.user`, which
    answers exactly as Django would.
    """
    user_id = session.get(SESSION_KEY)
    if (
        user_id is None
        or session.get(BACKEND_SESSION_KEY) != MODEL_BACKEND
        or MODEL_BACKEND not in settings.AUTHENTICATION_BACKENDS
    ):
        return None
    try:
        learner_id = get_user_model()._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    attempt = attempt_of_learner(attempt_id=attempt_id, learner_id=learner_id)
    if attempt is None or not attempt.learner.is_active:
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(
        session_hash, attempt.learner.get_session_auth_hash()
    ):
        return None
    return attempt


def learner_attempt(request: HttpRequest | Request, attempt_id: int) -> Attempt:
    """The signed-in learner's own attempt, with the learner as `attempt.learner`: what
    `SessionAuthentication` already read (`request.auth`), else what the session vouches for,
    else the attempt of `request.user`. NotFound when it is not theirs (or nobody is signed in).
    """
    if isinstance(request, Request):
        if isinstance(request.auth, Attempt) and request.auth.pk == attempt_id:
            return request.auth
    else:
        attempt = attempt_of_session(request.session, attempt_id)
        if attempt is not None:
            return attempt
    user = request.user
    attempt = None
    if user.is_authenticated:
        attempt = attempt_of_learner(attempt_id=attempt_id, learner_id=user.pk)
    if attempt is None:
        raise NotFound(_("No such attempt."))
    attempt.learner = cast(User, user)  # the request's user object itself
    return attempt
