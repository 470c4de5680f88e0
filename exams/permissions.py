"""Who may see and do what. `access_*` fetch and check in one step; missing and forbidden look
the same (NotFound), so ids cannot be probed. No DRF imports here. The learner's own attempt
has its own gate (exams.rest.gate)."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from exams import integrations
from exams.exceptions import NotFound
from exams.models import Allowance, Attempt, Course, Exam, ExamType
from exams.policy import Action, may, support_may

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
