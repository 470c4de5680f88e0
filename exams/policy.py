"""The staff actions, and who may take each: one table for the dashboard, its API and the admin.

Course staff (from the course directory) may take every action in their course. Support staff
(Django staff) may take an action in any course when their Django permissions include all the
permissions the table names for it, the same permissions the admin checks, so the dashboard and
the admin agree by construction: a support user who may only view attempts can list them on the
dashboard, and can no more clear one there than in the admin.
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from exams import integrations
from exams.models import Course

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    AnyUser = User | AnonymousUser


class Action(StrEnum):
    ATTEMPTS_VIEW = "attempts.view"
    ATTEMPTS_CLEAR = "attempts.clear"
    ATTEMPTS_RESUME = "attempts.resume"
    ALLOWANCES_VIEW = "allowances.view"
    ALLOWANCES_MANAGE = "allowances.manage"
    SETTINGS_VIEW = "settings.view"
    SETTINGS_CHANGE = "settings.change"
    REVIEWS_SETTLE = "reviews.settle"
    REPORTS_BUILD = "reports.build"


# The Django permissions a support user needs for each action (the admin's own checks: clear,
# resume and the hand review are admin actions on attempts that need `change`). None: support
# staff never take it (the results report holds personal data: the course's own staff only,
# decision 6).
SUPPORT_PERMISSIONS: dict[Action, tuple[str, ...] | None] = {
    Action.ATTEMPTS_VIEW: ("exams.view_attempt",),
    Action.ATTEMPTS_CLEAR: ("exams.view_attempt", "exams.change_attempt"),
    Action.ATTEMPTS_RESUME: ("exams.view_attempt", "exams.change_attempt"),
    Action.ALLOWANCES_VIEW: ("exams.view_allowance",),
    Action.ALLOWANCES_MANAGE: (
        "exams.view_allowance",
        "exams.add_allowance",
        "exams.change_allowance",
        "exams.delete_allowance",
    ),
    Action.SETTINGS_VIEW: ("exams.view_course", "exams.view_exam"),
    Action.SETTINGS_CHANGE: (
        "exams.view_course",
        "exams.view_exam",
        "exams.change_course",
        "exams.change_exam",
    ),
    Action.REVIEWS_SETTLE: ("exams.view_attempt", "exams.change_attempt"),
    Action.REPORTS_BUILD: None,
}


def support_may(user: "AnyUser", action: Action) -> bool:
    """A Django staff user whose permissions include the action's (superusers have them all)."""
    permissions = SUPPORT_PERMISSIONS[action]
    return bool(
        permissions is not None
        and user.is_authenticated
        and user.is_staff
        and user.has_perms(permissions)
    )


def may(user: "AnyUser", action: Action, course: Course) -> bool:
    """May `user` take `action` in `course`?"""
    return support_may(user, action) or integrations.is_course_staff(user, course)


def actions_allowed(user: "AnyUser", course: Course) -> frozenset[Action]:
    """Every action `user` may take in `course` (one course-role query at most)."""
    if integrations.is_course_staff(user, course):
        return frozenset(Action)
    return frozenset(action for action in Action if support_may(user, action))
