"""LTI 1.3 in a real browser against a real platform (lti1p3platform on 127.0.0.1): the
platform's instructor deep-links the exam "Final", the platform's own validation accepts the
answer; a platform learner launches it, takes the timed exam in a window of its own, submits;
the platform then holds exactly one FullyGraded score equal to the grade here. A proctored
exam with the simulated provider: PendingManual until a reviewer's Satisfactory, then
FullyGraded; the review's callback sent again posts nothing."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, expect

from exams.models import Attempt, Course, ExamType
from lti.models import Deployment, Platform
from tests.browser import test_proctored
from tests.browser.conftest import VIEWPORT
from tests.browser.helpers import answer_all_correctly, exam_with_questions
from tests.browser.test_proctored import server_idle
from tests.lti.platform import TestPlatform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Staff (the reviewer) in a browser of their own, as the proctoring tests have them.
staff_browser_as = test_proctored.staff_browser_as


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


def test_a_proctored_exam_is_pending_manual_until_a_reviewer_passes_it(
    context, learner_context, lms, live_server, support, staff_browser_as
):
    import json

    import requests
    from django.utils import timezone

    from proctoring import signing
    from proctoring.models import CallbackDelivery
    from tests.browser.test_proctored import REVIEWER_PATH, proctored_exam, set_up_and_start
    from tests.proctoring.conftest import SECRET

    staff = context.new_page()
    staff.goto(f"{lms.issuer}/start/instructor")
    expect(staff.get_by_role("link", name="Open the dashboard")).to_be_visible()
    with server_idle(live_server):
        course = Course.objects.get(lti_context__isnull=False)
        course.proctored_exams_enabled = True
        course.save(update_fields=["proctored_exams_enabled"])
        exam = proctored_exam(course)
    staff.goto(f"{lms.issuer}/start/deep-link")
    staff.get_by_label("Final exam").check()
    staff.get_by_role("button", name="Add to the course").click()
    expect(staff.get_by_role("heading", name="1 item(s) received")).to_be_visible()

    learner = learner_context.new_page()
    learner.goto(f"{lms.issuer}/start/item/0")
    with learner_context.expect_page() as window:
        learner.get_by_role("link", name="Open the exam").click()
    page = window.value
    software = set_up_and_start(page)
    answer_all_correctly(page)
    page.get_by_role("button", name="End my exam").click()
    page.get_by_role("button", name="Yes, end my exam").click()
    expect(page.get_by_text("You have submitted this exam.")).to_be_visible()
    software.get_by_role("button", name="Quit and upload").click()
    expect(software.get_by_role("status")).to_have_text("Recording uploaded for review.")
    assert lms.scores, platform_errors(lms)
    assert {s["gradingProgress"] for s in lms.scores} == {"PendingManual"}
    assert all("scoreGiven" not in s for s in lms.scores)

    with server_idle(live_server):
        attempt = Attempt.objects.get(exam=exam)
    desk = staff_browser_as(support, REVIEWER_PATH)
    row = desk.get_by_role("row").filter(has_text=attempt.attempt_code)
    row.get_by_role("button", name="Satisfactory", exact=True).click()
    expect(desk.get_by_text("No session is waiting for a review.")).to_be_visible()

    final = lms.scores[-1]
    assert (final["gradingProgress"], final["activityProgress"]) == ("FullyGraded", "Completed")
    with server_idle(live_server):
        attempt.refresh_from_db()
        delivery = CallbackDelivery.objects.filter(body__contains="review").latest("id")
    assert final["scoreGiven"] == float(attempt.points_earned)
    count = len(lms.scores)
    body = delivery.body.encode()
    headers = signing.signed_headers(secret=SECRET, body=body, now=timezone.now())
    replayed = requests.post(
        f"{live_server.url}/api/v1/proctoring/simulated/callback/",
        data=body,
        headers={**headers, "Content-Type": "application/json"},
        timeout=10,
    )
    assert replayed.status_code in (200, 202)
    assert len(lms.scores) == count  # the replayed review posts nothing
    assert json.loads(body)["attempt_code"] == attempt.attempt_code
    assert platform_errors(lms) == []
