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
        ({Claim.ROLES: 7}, False, "lti_invalid_claims"),
        ({Claim.ROLES: "Instructor"}, False, "lti_invalid_claims"),
        ({Claim.CUSTOM: "exam_id=1"}, False, "lti_invalid_claims"),
        ({Claim.AGS: {"scope": "score", "lineitem": "x"}}, False, "lti_invalid_claims"),
        ({"exp": None}, False, "lti_expired"),
        ({"iat": None}, False, "lti_invalid_launch"),
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


@pytest.mark.parametrize("missing", ["iss", "login_hint"])
def test_a_login_initiation_without_its_parameters_is_refused(lms, live_server, missing):
    params = {
        "iss": lms.issuer,
        "login_hint": "s-ann",
        "target_link_uri": lms.tool_launch_url,
        "client_id": lms.client_id,
    }
    del params[missing]
    before = counts()

    response = requests.get(lms.tool_login_url, params=params, timeout=10)

    assert_refused(response, 400, "lti_invalid_login", before)


def test_an_id_token_that_is_not_an_object_is_refused(lms):
    import base64

    header = base64.urlsafe_b64encode(b'{"alg":"RS256","kid":"k"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(b"[1, 2]").rstrip(b"=").decode()
    session = requests.Session()
    session.cookies.set("lti1p3-state-x", "state-x")
    before = counts()

    response = session.post(
        lms.tool_launch_url,
        data={"id_token": f"{header}.{body}.sig", "state": "state-x"},
        timeout=10,
    )

    assert response.status_code == 400
    assert counts() == before


def test_a_login_pointing_at_another_host_is_refused(lms):
    before = counts()

    response, _ = launch(lms, target_link_uri="https://elsewhere.example.com/lti/launch/")

    assert_refused(response, 400, "lti_wrong_target", before)


def test_a_learner_cannot_open_the_deep_linking_picker(lms):
    before = counts()

    response, _ = launch(lms, ANN, message_type=DEEP_LINKING_REQUEST, roles=[LEARNER])

    assert_refused(response, 403, "lti_not_staff", before)


def test_a_deep_link_answer_from_someone_no_longer_staff_of_the_course_is_refused(lms):
    launch(lms, TOM, roles=[INSTRUCTOR])
    course = Course.objects.get()
    exam = exam_in(course)
    picker, session = launch(lms, TOM, message_type=DEEP_LINKING_REQUEST)
    assert picker.status_code == 200, lms.errors
    CourseRole.objects.filter(course=course).delete()  # the course's staff changed since
    before = counts()

    response = post_form(session, picker, "lti-picker", {"exam": str(exam.pk)})

    assert_refused(response, 403, "lti_not_staff", before)
    assert lms.deep_link_items == []


def test_a_deep_link_answer_for_a_launch_that_is_not_there_is_refused(lms, live_server):
    before = counts()

    response = requests.post(
        f"{live_server.url}/lti/deep-link/lti1p3-launch-made-up/", data={"exam": "1"}, timeout=10
    )

    assert_refused(response, 400, "lti_launch_gone", before)
