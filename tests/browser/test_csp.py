"""Pages outside the learner and instructor flows also hold under the Content-Security-Policy
(the `context` fixture fails a test on any violation): sign-in, admin, API docs."""

import pytest
from playwright.sync_api import expect

from tests.factories import AttemptFactory, ExamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_holds_under_the_policy(context):
    page = context.new_page()

    page.goto("/accounts/login/")

    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_admin_pages_hold_under_the_policy(browser_as, support, course, learner):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    page = browser_as(support, "/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto("/admin/exams/attempt/")
    expect(page.get_by_text(attempt.attempt_code)).to_be_visible()
    page.goto(f"/admin/exams/attempt/{attempt.pk}/change/")
    page.goto("/admin/exams/allowance/add/")
    expect(page.locator("form")).to_have_count(2)


def test_api_docs_load_from_this_site_under_the_policy(browser_as, learner):
    page = browser_as(learner, "/api/docs/")

    expect(page.get_by_text("Special Exams API").first).to_be_visible(timeout=15_000)
