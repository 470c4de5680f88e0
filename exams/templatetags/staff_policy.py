"""`{% may "allowances.view" course as can_see %}`: whether the signed-in user may take an
action of exams.policy in the course, so a page offers only what the user may do."""

from typing import Any

from django import template

from exams.models import Course
from exams.policy import Action, may

register = template.Library()


@register.simple_tag(takes_context=True)
def may_in(context: dict[str, Any], action: str, course: Course) -> bool:
    return may(context["request"].user, Action(action), course)
