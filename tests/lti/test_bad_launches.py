"""Every refused launch answers its status and stable code on a page, and creates no user,
course, enrollment, session or attempt (the platform is real: lti1p3platform on 127.0.0.1)."""

import time

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from exams.models import Attempt, Course, CourseRole, Enrollment
from lti.models import LaunchContext, LaunchUser, ResourceLink
from tests.lti.conftest import ANN, TOM, exam_in, launch, post_form
from tests.lti.platform import (
    DEEP_LINKING_REQUEST,
    INSTRUCTOR,
    LEARNER,
    Claim,
    generate_private_key,
)

pytestmark = pytest.mark.django_db(transaction=True)


def counts():
    return {
        "users": get_user_model().objects.count(),
        "identities": LaunchUser.objects.count(),
        "courses": Course.objects.count(),
        "contexts": LaunchContext.objects.count(),
        "links": ResourceLink.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "roles": CourseRole.objects.count(),
        "sessions": Session.objects.count(),
        "attempts": Attempt.objects.count(),
    }


def assert_refused(response, status, code, before):
    assert response.status_code == status, response.text[:400]
    assert f'data-code="{code}"' in response.text
    assert counts() == before


@pytest.mark.parametrize(
    ("tamper", "foreign_key", "code"),
    [
        (None, True, "lti_bad_signature"),
        ({"iss": "https://unknown.example.edu"}, False, "lti_unknown_platform"),
        ({"aud": "another-client"}, False, "lti_unknown_platform"),
        ({Claim.DEPLOYMENT_ID: "deployment-9"}, False, "lti_unknown_deployment"),
        ({"exp": int(time.time()) - 300, "iat": int(time.time()) - 600}, False, "lti_expired"),
        (
            {Claim.TARGET_LINK_URI: "https://elsewhere.example.com/lti/launch/"},
            False,
            "lti_wrong_target",
        ),
        ({Claim.CONTEXT: None}, False, "lti_no_context"),
        ({Claim.CONTEXT: {"title": "No id"}}, False, "lti_no_context"),
        ({"sub": "x" * 256}, False, "lti_invalid_claims"),
        ({Claim.CONTEXT: {"id": ["a", "list"]}}, False, "lti_invalid_claims"),
        ({Claim.RESOURCE_LINK: {"id": "r" * 300}}, False, "lti_invalid_claims"),
    ],
)
def test_a_tampered_launch_is_refused_and_creates_nothing(lms, tamper, foreign_key, code):
    before = counts()

    response, session = launch(
        lms, tamper=tamper, sign_with=generate_private_key() if foreign_key else None
    )

    assert_refused(response, 400, code, before)
    assert "sessionid" not in session.cookies


def test_a_replayed_launch_is_refused_and_creates_nothing_more(lms):
    first, session = launch(lms)
    assert first.status_code == 200, lms.errors
    before = counts()

    replayed = lms.replay(session)

    assert_refused(replayed, 400, "lti_bad_nonce", before)


@pytest.mark.parametrize("state", [None, "state-not-ours"])
def test_a_launch_without_its_state_is_refused(lms, state):
    session = requests.Session()
    token = lms.id_token_for(ANN, nonce="n-1", state="state-x", redirect_uri=lms.tool_launch_url)
    before = counts()

    data = {"id_token": token} if state is None else {"id_token": token, "state": state}
    response = session.post(lms.tool_launch_url, data=data, timeout=10)

    assert_refused(response, 400, "lti_bad_state", before)


def test_a_login_pointing_at_another_host_is_refused(lms):
    before = counts()

    response, _ = launch(lms, target_link_uri="https://elsewhere.example.com/lti/launch/")

    assert_refused(response, 400, "lti_wrong_target", before)


def test_a_learner_cannot_open_the_deep_linking_picker(lms):
    before = counts()

    response, _ = launch(lms, ANN, message_type=DEEP_LINKING_REQUEST, roles=[LEARNER])

    assert_refused(response, 403, "lti_not_staff", before)


def test_a_deep_link_answer_from_someone_not_staff_of_the_course_is_refused(lms):
    launch(lms, TOM, roles=[INSTRUCTOR])
    exam_in(Course.objects.get())
    picker, staff_session = launch(lms, TOM, message_type=DEEP_LINKING_REQUEST)
    assert picker.status_code == 200, lms.errors
    _, learner_session = launch(lms, ANN)
    # The learner's browser takes over the staff's picker (its launch id and lti cookies).
    for cookie in staff_session.cookies:
        if cookie.name.startswith("lti1p3"):
            learner_session.cookies.set(cookie.name, cookie.value)
    before = counts()

    token = learner_session.cookies["csrftoken"]  # the learner's own CSRF token
    response = post_form(
        learner_session, picker, "lti-picker", {"exam": "1", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 403, response.text[:300]
    assert 'data-code="lti_not_staff"' in response.text
    assert "lti-return" not in response.text
    assert counts() == before
    assert lms.deep_link_items == []
