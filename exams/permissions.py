"""Who may see and do what. `access_*` fetch and check in one step; missing and forbidden look
the same (NotFound), so ids cannot be probed. No DRF imports here."""

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from exams import integrations
from exams.exceptions import NotFound
from exams.models import Allowance, Attempt, Course, Exam, ExamType
from exams.policy import Action, may, support_may
from exams.selectors.rows import attempt_of_learner

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    AnyUser = User | AnonymousUser


def is_support(user: "AnyUser") -> bool:
    """Support staff: Django staff who may view attempts (superusers included)."""
    return support_may(user, Action.ATTEMPTS_VIEW)


def access_course_as_learner(user: "AnyUser", course_id: str) -> Course:
    """The course, if the user is actively enrolled in it."""
    course = Course.objects.filter(course_id=course_id).first()
    if course is None or not integrations.is_enrolled(user, course):
        raise NotFound(_("No such course."))
    return course


def access_course_as_staff(user: "AnyUser", course_id: str, action: Action) -> Course:
    """The course, if the user may take `action` in it (course staff, or support staff)."""
    course = Course.objects.filter(course_id=course_id).first()
    if course is None or not may(user, action, course):
        raise NotFound(_("No such course."))
    return course


def access_exam_as_learner(user: "AnyUser", exam_id: int) -> Exam:
    """An active special exam of a course the user is enrolled in."""
    exam = (
        Exam.objects.select_related("course")
        .filter(pk=exam_id, is_active=True)
        .exclude(exam_type=ExamType.NONE)
        .first()
    )
    if exam is None or not integrations.is_enrolled(user, exam.course):
        raise NotFound(_("No such exam."))
    return exam


def access_attempt_as_learner(user: "AnyUser", attempt_id: int) -> Attempt:
    """The user's own attempt (with its exam's type and pass mark, and `user` as its learner).
    One query."""
    attempt = None
    if user.is_authenticated:
        attempt = attempt_of_learner(attempt_id=attempt_id, learner_id=user.pk)
    if attempt is None:
        raise NotFound(_("No such attempt."))
    attempt.learner = cast("User", user)  # the whole user, not the columns the query read
    return attempt


# The one backend whose sessions access_attempt_by_session can check itself.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def access_attempt_by_session(
    session: SessionBase, attempt_id: int, *, whole_learner: bool = False
) -> Attempt | None:
    """The attempt (with its exam), if it belongs to the user this session is signed in as:
    one query, without loading `request.user` first. The timer poll's path, and with
    `whole_learner` (the whole user row read as `attempt.learner`) the learner's actions'.

    Checks what `django.contrib.auth.get_user` checks of a ModelBackend session, against the
    learner's row read with the attempt: the user is active and the session's password hash
    matches the current secret. None whenever it cannot vouch (another backend, a hash from an
    old secret, not this user's attempt): the caller then takes the usual path, `request.user`,
    which answers exactly as before.
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
    attempt = attempt_of_learner(
        attempt_id=attempt_id, learner_id=learner_id, whole_learner=whole_learner
    )
    if attempt is None or not attempt.learner.is_active:
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(
        session_hash, attempt.learner.get_session_auth_hash()
    ):
        return None
    return attempt


def access_attempt_as_staff(user: "AnyUser", attempt_id: int, action: Action) -> Attempt:
    """An attempt of a course where the user may take `action`."""
    attempt = (
        Attempt.objects.select_related("exam__course", "learner").filter(pk=attempt_id).first()
    )
    if attempt is None or not may(user, action, attempt.exam.course):
        raise NotFound(_("No such attempt."))
    return attempt


def access_exam_as_staff(user: "AnyUser", exam_id: int, action: Action) -> Exam:
    """Any exam (special or not, active or not) of a course where the user may take `action`."""
    exam = Exam.objects.select_related("course").filter(pk=exam_id).first()
    if exam is None or not may(user, action, exam.course):
        raise NotFound(_("No such exam."))
    return exam


def access_allowance_as_staff(user: "AnyUser", allowance_id: int, action: Action) -> Allowance:
    """An allowance of a course where the user may take `action` (with its course, exam and
    learner)."""
    allowance = (
        Allowance.objects.select_related("course", "exam", "learner", "granted_by")
        .filter(pk=allowance_id)
        .first()
    )
    if allowance is None or not may(user, action, allowance.course):
        raise NotFound(_("No such allowance."))
    return allowance
