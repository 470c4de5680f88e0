"""What a validated launch changes: the user of (issuer, sub), the course of (deployment,
context id), and the user's role or track there, all as the platform says."""

import pytest

from exams import integrations
from exams.models import CourseRole, Enrollment
from lti.models import Deployment, LaunchContext, LaunchUser, Platform
from lti.services import context_roles, launch_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LEARNER = MEMBERSHIP + "Learner"
INSTRUCTOR = MEMBERSHIP + "Instructor"


@pytest.fixture
def deployment():
    platform = Platform.objects.create(
        name="Moodle",
        issuer="https://moodle.example.edu",
        client_id="client-1",
        auth_login_url="https://moodle.example.edu/mod/lti/auth.php",
        auth_token_url="https://moodle.example.edu/mod/lti/token.php",
        key_set_url="https://moodle.example.edu/mod/lti/certs.php",
    )
    return Deployment.objects.create(platform=platform, deployment_id="1")


def claims(sub="user-7", roles=(LEARNER,), context_id="ctx-1", title="Chemistry 101", **extra):
    return {
        "iss": "https://moodle.example.edu",
        "sub": sub,
        "email": "ada@example.edu",
        "given_name": "Ada",
        "family_name": "Lovelace",
        CLAIM + "roles": list(roles),
        CLAIM + "context": {"id": context_id, "title": title},
        **extra,
    }


def test_a_first_launch_creates_the_user_and_the_course(deployment):
    launched = launch_record(deployment=deployment, claims=claims())

    user, course = launched.user, launched.course
    assert not user.has_usable_password()
    assert (user.email, user.first_name, user.last_name) == ("ada@example.edu", "Ada", "Lovelace")
    assert LaunchUser.objects.get(user=user).sub == "user-7"
    assert course.name == "Chemistry 101"
    assert course.course_id.startswith(f"course-v1:lti+d{deployment.pk}+")
    assert integrations.is_verified(user, course)  # the course's default learner track
    assert not launched.is_staff


def test_a_user_is_never_matched_to_a_local_account_by_email(deployment):
    local = UserFactory(email="ada@example.edu")

    launched = launch_record(deployment=deployment, claims=claims())

    assert launched.user != local


def test_a_second_launch_finds_the_same_user_and_course_and_follows_the_platform(deployment):
    first = launch_record(deployment=deployment, claims=claims())

    again = launch_record(
        deployment=deployment, claims={**claims(title="Chemistry 101 (2027)"), "email": "a@x.edu"}
    )

    assert (again.user, again.course) == (first.user, first.course)
    again.course.refresh_from_db()
    again.user.refresh_from_db()
    assert (again.course.name, again.user.email) == ("Chemistry 101 (2027)", "a@x.edu")


def test_the_same_context_on_another_deployment_is_another_course(deployment):
    other = Deployment.objects.create(platform=deployment.platform, deployment_id="2")

    one = launch_record(deployment=deployment, claims=claims())
    two = launch_record(deployment=other, claims=claims())

    assert one.course != two.course
    assert LaunchContext.objects.count() == 2


@pytest.mark.parametrize(
    ("role", "staff"),
    [
        (INSTRUCTOR, True),
        ("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant", True),
        (MEMBERSHIP + "ContentDeveloper", True),
        (MEMBERSHIP + "Administrator", True),
        ("Instructor", True),
        ("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#Grader", True),
        (LEARNER, False),
        ("http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#Instructor", False),
        ("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator", False),
        ("http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator", False),
    ],
)
def test_context_roles_decide_course_staff(deployment, role, staff):
    launched = launch_record(deployment=deployment, claims=claims(roles=[role]))

    assert launched.is_staff is staff
    assert integrations.is_course_staff(launched.user, launched.course) is staff
    assert Enrollment.objects.filter(user=launched.user).exists() is not staff


def test_a_learner_launch_removes_a_staff_role_the_platform_no_longer_gives(deployment):
    staff = launch_record(deployment=deployment, claims=claims(roles=[INSTRUCTOR]))

    learner = launch_record(deployment=deployment, claims=claims(roles=[LEARNER]))

    assert learner.user == staff.user
    assert not CourseRole.objects.filter(user=learner.user).exists()
    assert integrations.is_enrolled(learner.user, learner.course)


@pytest.mark.parametrize(
    ("asked", "track"), [("audit", "audit"), ("verified", "verified"), ("x", "verified")]
)
def test_the_track_custom_parameter_overrides_the_course_setting(deployment, asked, track):
    launched = launch_record(
        deployment=deployment, claims=claims(**{CLAIM + "custom": {"exam_track": asked}})
    )

    assert Enrollment.objects.get(user=launched.user).mode == track


def test_the_course_setting_decides_the_track_without_the_parameter(deployment):
    first = launch_record(deployment=deployment, claims=claims())
    LaunchContext.objects.filter(course=first.course).update(learner_track="audit")

    other = launch_record(deployment=deployment, claims=claims(sub="user-8"))

    assert not integrations.is_verified(other.user, other.course)
    assert integrations.is_enrolled(other.user, other.course)


def test_short_role_names_and_vocabulary_uris_read_the_same():
    assert context_roles(["Learner", MEMBERSHIP + "Instructor"]) == {"Learner", "Instructor"}


def test_a_course_attached_by_hand_keeps_its_name(deployment, course):
    LaunchContext.objects.create(deployment=deployment, context_id="ctx-1", course=course)

    launched = launch_record(deployment=deployment, claims=claims(title="Renamed in the LMS"))

    launched.course.refresh_from_db()
    assert launched.course == course
    assert launched.course.name == course.name


def test_the_picker_offers_creating_an_exam_only_to_who_may_add_one(course, rf):
    from django.contrib.auth.models import AnonymousUser

    from lti.views import _picker

    admin = UserFactory(is_staff=True, is_superuser=True)
    for user, offered in ((admin, True), (UserFactory(), False), (AnonymousUser(), False)):
        request = rf.post("/lti/launch/")
        request.user = user
        page = _picker(request, course, "launch-1").content.decode()
        assert (f"/admin/exams/exam/add/?course={course.pk}" in page) is offered
