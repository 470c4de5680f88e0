"""Shared fixtures: the clock, and the actors of the authorization matrix."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from exams.models import EnrollmentMode
from tests.chromium import browser, playwright_instance  # noqa: F401 (shared fixtures)
from tests.factories import CourseFactory, CourseRoleFactory, EnrollmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language: a request in another language (the test
    client's middleware activates it) must not leak into the next test."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def course(db):
    return CourseFactory(course_id="course-v1:Test+Exams+2026", proctored_exams_enabled=True)


@pytest.fixture
def learner(course):
    user = UserFactory(username="learner", email="learner@example.com")
    EnrollmentFactory(user=user, course=course, mode=EnrollmentMode.VERIFIED)
    return user


@pytest.fixture
def other_learner(course):
    user = UserFactory(username="other", email="other@example.com")
    EnrollmentFactory(user=user, course=course, mode=EnrollmentMode.VERIFIED)
    return user


@pytest.fixture
def auditor(course):
    user = UserFactory(username="auditor", email="auditor@example.com")
    EnrollmentFactory(user=user, course=course, mode=EnrollmentMode.AUDIT)
    return user


@pytest.fixture
def instructor(course):
    user = UserFactory(username="instructor", email="instructor@example.com")
    CourseRoleFactory(user=user, course=course)
    return user


@pytest.fixture
def other_instructor(db):
    user = UserFactory(username="elsewhere", email="elsewhere@example.com")
    CourseRoleFactory(user=user, course=CourseFactory(course_id="course-v1:Other+X+2026"))
    return user


@pytest.fixture
def support(db):
    from exams.support import ensure_support_group

    user = UserFactory(username="support", email="support@example.com", is_staff=True)
    user.groups.add(ensure_support_group())
    return user
