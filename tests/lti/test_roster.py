"""Staff sync the course's roster from the platform (NRPS, paged by Link): members get their
accounts and places before their first launch, and can be named in an allowance CSV by e-mail."""

import pytest
from django.contrib.auth import get_user_model

from exams.allowances.csv_upload import allowance_csv_apply
from exams.models import Course, CourseRole, Enrollment
from lti.models import LaunchUser
from tests.lti.conftest import CONTEXT, TOM, exam_in, launch
from tests.lti.platform import INSTRUCTOR, LEARNER, PlatformUser

pytestmark = pytest.mark.django_db(transaction=True)

BEA = PlatformUser("s-bea", "Bea Bo", "bea@example.edu", "Bea", "Bo")
CAL = PlatformUser("s-cal", "Cal Cy", "cal@example.edu", "Cal", "Cy")
DAN = PlatformUser("s-dan", "Dan Do", "dan@example.edu", "Dan", "Do")


def sync(session, live_server, course):
    token = session.cookies.get("csrftoken", "")
    return session.post(
        f"{live_server.url}/lti/courses/{course.course_id}/roster/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": live_server.url + "/"},
        timeout=10,
    )


def test_the_roster_gives_members_their_places_and_names_them_for_allowances(lms, live_server):
    lms.nrps_page_size = 2  # three members: two pages
    for user, roles, status in [
        (BEA, [LEARNER], "Active"),
        (CAL, ["TeachingAssistant"], "Active"),
        (DAN, [LEARNER], "Inactive"),
    ]:
        lms.add_member(user, roles, context=CONTEXT, status=status)
    landing, session = launch(lms, TOM, roles=[INSTRUCTOR])
    assert "lti-roster" in landing.text
    course = Course.objects.get()

    answer = sync(session, live_server, course)

    assert answer.status_code == 200
    assert "Roster synced: 3 members (1 staff, 1 learners, 1 inactive)." in answer.text
    bea, cal, dan = (LaunchUser.objects.get(sub=u.sub).user for u in (BEA, CAL, DAN))
    assert Enrollment.objects.get(user=bea, course=course).is_active
    assert CourseRole.objects.filter(user=cal, course=course).exists()
    assert not Enrollment.objects.get(user=dan, course=course).is_active
    exam = exam_in(course)
    data = (
        "learner,exam,kind,value,reason,expires_at\n"
        f"bea@example.edu,{exam.pk},additional_minutes,30,,\n"
    )
    (allowance,) = allowance_csv_apply(course=course, data=data.encode(), actor=None)
    assert allowance.learner == bea


def test_a_roster_the_platform_cannot_give_changes_nothing(lms, live_server):
    lms.add_member(BEA, [LEARNER], context=CONTEXT)
    _, session = launch(lms, TOM, roles=[INSTRUCTOR])
    users = get_user_model().objects.count()
    lms.token_endpoint_down = True

    answer = sync(session, live_server, Course.objects.get())

    assert answer.status_code == 200
    assert "The platform&#x27;s roster could not be read" in answer.text
    assert get_user_model().objects.count() == users


def test_only_course_staff_sync_the_roster(lms, live_server):
    launch(lms, TOM, roles=[INSTRUCTOR])
    _, learner_session = launch(lms, BEA)

    answer = sync(learner_session, live_server, Course.objects.get())

    assert answer.status_code == 404
