"""LTI 1.3 in a real browser against a real platform (lti1p3platform on 127.0.0.1): the
platform's instructor deep-links the exam "Final", the platform's own validation accepts the
answer; a platform learner launches it, takes the timed exam in a window of its own, submits;
the platform then holds exactly one FullyGraded score equal to the grade here."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, expect

from exams.models import Attempt, Course, ExamType
from lti.models import Deployment, Platform
from tests.browser.conftest import VIEWPORT
from tests.browser.helpers import answer_all_correctly, exam_with_questions
from tests.browser.test_proctored import server_idle
from tests.lti.platform import TestPlatform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lms(live_server) -> Iterator[TestPlatform]:
    with TestPlatform() as platform:
        platform.register_tool(live_server.url)
        with server_idle(live_server):
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


def platform_errors(lms: TestPlatform) -> list[str]:
    """What the platform refused, but the browser's own favicon requests."""
    return [error for error in lms.errors if "/favicon.ico" not in error]


@pytest.fixture
def learner_context(browser, live_server) -> Iterator[BrowserContext]:
    """The platform learner's own browser."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    yield context
    context.close()


def test_deep_link_launch_take_submit_and_one_final_score(
    context, learner_context, lms, live_server
):
    staff = context.new_page()
    staff.goto(f"{lms.issuer}/start/instructor")
    expect(staff.get_by_role("link", name="Open the dashboard")).to_be_visible()
    with server_idle(live_server):
        course = Course.objects.get(lti_context__isnull=False)
        exam = exam_with_questions(
            course, name="Final", exam_type=ExamType.TIMED, time_limit_minutes=60
        )

    staff.goto(f"{lms.issuer}/start/deep-link")
    staff.get_by_label("Final").check()
    staff.get_by_role("button", name="Add to the course").click()
    expect(staff.get_by_role("heading", name="1 item(s) received")).to_be_visible()
    (item,) = lms.deep_link_items
    assert item["custom"] == {"exam_id": str(exam.pk)}
    assert platform_errors(lms) == []

    learner = learner_context.new_page()
    learner.goto(f"{lms.issuer}/start/item/0")
    expect(learner.get_by_text("Exams open in a window of their own")).to_be_visible()
    with learner_context.expect_page() as window:
        learner.get_by_role("link", name="Open the exam").click()
    page = window.value
    page.get_by_role("button", name="Start the timed exam").click()
    answer_all_correctly(page)
    page.get_by_role("button", name="End my exam").click()
    page.get_by_role("button", name="Yes, end my exam").click()
    expect(page.get_by_text("You have submitted this exam.")).to_be_visible()

    with server_idle(live_server):
        attempt = Attempt.objects.get(exam=exam)
    (score,) = lms.scores
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert score["scoreGiven"] == float(attempt.points_earned)
    assert score["scoreMaximum"] == float(attempt.points_possible)
    assert platform_errors(lms) == []
