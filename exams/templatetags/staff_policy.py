"""`{% may_in "allowances.view" course as can_see %}`: whether the signed-in user may take an
action of exams.policy in the course, so a page offers only what the user may do.

The actions are worked out once per request and course, however many the page asks about."""

from typing import Any

from django import template

from exams.models import Course
from exams.policy import Action, actions_allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def may_in(context: dict[str, Any], action: str, course: Course) -> bool:
    request = context["request"]
    known: dict[int, frozenset[Action]] = request.__dict__.setdefault("_staff_actions", {})
    if course.pk not in known:
        known[course.pk] = actions_allowed(request.user, course)
    return Action(action) in known[course.pk]
