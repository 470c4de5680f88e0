"""The host-LMS side: who is enrolled, in which track, and who is course staff.

Everything in the exams app asks these questions through `course_directory()`. The default
reads this app's own Course/Enrollment/CourseRole tables; a host LMS sets
EXAMS_COURSE_DIRECTORY to a class of its own with the same methods.
"""

from collections.abc import Collection
from functools import cache
from typing import Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from exams.models import Course, CourseRole, Enrollment, EnrollmentMode

AnyUser = AbstractBaseUser | AnonymousUser


class CourseDirectory(Protocol):
    def enrollment_mode(self, user: AnyUser, course: Course) -> str | None:
        """The learner's active track in the course, or None if not enrolled."""

    def enrolled_ids(self, user_ids: Collection[int], course: Course) -> set[int]:
        """Those of the users (by id) actively enrolled in the course, in any track."""

    def is_course_staff(self, user: AnyUser, course: Course) -> bool:
        """True if the user is an instructor or course staff of the course."""

    def staff_course_ids(self, user: AnyUser) -> QuerySet[Course]:
        """The courses in which the user is course staff (a queryset, for filtering)."""

    def enrolled_courses(self, user: AnyUser) -> QuerySet[Course]:
        """The courses in which the user is actively enrolled, in any track (a queryset)."""


class LocalCourseDirectory:
    """Reads enrollments and roles from this app's own tables."""

    def enrollment_mode(self, user: AnyUser, course: Course) -> str | None:
        if not user.is_authenticated:
            return None
        return (
            Enrollment.objects.filter(user_id=user.pk, course=course, is_active=True)
            .values_list("mode", flat=True)
            .first()
        )

    def enrolled_ids(self, user_ids: Collection[int], course: Course) -> set[int]:
        if not user_ids:
            return set()
        return set(
            Enrollment.objects.filter(
                user_id__in=user_ids, course=course, is_active=True
            ).values_list("user_id", flat=True)
        )

    def is_course_staff(self, user: AnyUser, course: Course) -> bool:
        if not user.is_authenticated:
            return False
        return CourseRole.objects.filter(user_id=user.pk, course=course).exists()

    def staff_course_ids(self, user: AnyUser) -> QuerySet[Course]:
        if not user.is_authenticated:
            return Course.objects.none()
        return Course.objects.filter(roles__user_id=int(user.pk)).distinct()

    def enrolled_courses(self, user: AnyUser) -> QuerySet[Course]:
        if not user.is_authenticated:
            return Course.objects.none()
        return Course.objects.filter(
            enrollments__user_id=int(user.pk), enrollments__is_active=True
        ).distinct()


@cache
def course_directory() -> CourseDirectory:
    directory: CourseDirectory = import_string(settings.EXAMS_COURSE_DIRECTORY)()
    return directory


def is_verified(user: AnyUser, course: Course) -> bool:
    return course_directory().enrollment_mode(user, course) == EnrollmentMode.VERIFIED


def is_enrolled(user: AnyUser, course: Course) -> bool:
    return course_directory().enrollment_mode(user, course) is not None


def enrolled_ids(user_ids: Collection[int], course: Course) -> set[int]:
    return course_directory().enrolled_ids(user_ids, course)


def is_course_staff(user: AnyUser, course: Course) -> bool:
    return course_directory().is_course_staff(user, course)
