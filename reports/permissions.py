"""Who may see reports: only the course staff of that course (the files hold personal data)."""

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from exams import integrations
from exams.exceptions import NotFound
from exams.models import Course


def access_course_reports(user: User | AnonymousUser, course_id: str) -> Course:
    """The course, if the user is its course staff; NotFound otherwise (and if it is missing)."""
    course = Course.objects.filter(course_id=course_id).first()
    if course is None or not integrations.is_course_staff(user, course):
        raise NotFound(_("No such course."))
    return course
