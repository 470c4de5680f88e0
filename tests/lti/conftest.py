"""A real LTI 1.3 platform (tests/lti/platform.py, built on lti1p3platform) on 127.0.0.1,
registered with this tool served by Django's live server, and the other way round."""

import re
from html import unescape
from urllib.parse import urljoin

import pytest
import requests

from exams.models import ExamType
from lti.models import Deployment, Platform
from tests.factories import ExamFactory, QuestionFactory
from tests.lti.platform import PlatformUser, TestPlatform

ANN = PlatformUser("s-ann", "Ann Lee", "ann@example.edu", "Ann", "Lee")
TOM = PlatformUser("s-tom", "Tom Teach", "tom@example.edu", "Tom", "Teach")
CONTEXT = {"id": "chem-101", "title": "Chemistry 101", "label": "CHEM101"}


@pytest.fixture
def lms(live_server, transactional_db):
    """The platform, registered with the tool (in its database) and the tool with it."""
    with TestPlatform() as platform:
        platform.register_tool(live_server.url)
        registration = Platform.objects.create(
            name="Test LMS",
            issuer=platform.issuer,
            client_id=platform.client_id,
            auth_login_url=platform.auth_login_url,
            auth_token_url=platform.auth_token_url,
            key_set_url=platform.key_set_url,
        )
        Deployment.objects.create(platform=registration, deployment_id=platform.deployment_id)
        yield platform


def launch(lms, user=ANN, session=None, **kwargs):
    """A launch as a browser makes it; the tool's answer (the session keeps its cookies)."""
    session = session or requests.Session()
    kwargs.setdefault("context", CONTEXT)
    return lms.launch_with(session, lms.login_url(user, **kwargs)), session


def post_form(session, response, form_id, data):
    """Submit the form with this id of an HTML answer (the pages also hold the language
    switcher and the sign-out forms), its hidden fields with `data` added."""
    match = re.search(rf'<form[^>]*id="{form_id}"[^>]*>(.*?)</form>', response.text, re.S)
    assert match, response.text[:500]
    form = match.group(0)
    action = unescape(re.search(r'action="([^"]*)"', form).group(1))
    fields = {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    }
    return session.post(urljoin(response.url, action), data={**fields, **data}, timeout=10)


def exam_in(course, *, exam_type=ExamType.TIMED, name="Final", points=(1, 2)):
    exam = ExamFactory(course=course, name=name, exam_type=exam_type, time_limit_minutes=60)
    for value in points:
        QuestionFactory(exam=exam, points=value, numeric_answer=42)
    return exam
