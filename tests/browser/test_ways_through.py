"""What a learner meets between the pages: ways back, their own time, what a page says after
the exam moved on elsewhere (another tab, the browser's Back), and where focus lands."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from exams.models import Attempt
from exams.statuses import AttemptStatus as S
from tests.browser.helpers import (
    course_path,
    exam_path,
    exam_with_questions,
    expect_saved,
    question,
)
from tests.factories import AllowanceFactory, AttemptFactory, ExamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focus_is_on_the_page_itself(page: Page) -> bool:
    return bool(page.evaluate("() => document.activeElement === document.body"))


def test_not_ready_goes_back_to_the_course_from_any_entrance(course, learner, browser_as):
    timed = exam_with_questions(course, name="Midterm", position=1)
    proctored = exam_with_questions(course, name="Final", exam_type="proctored", position=2)
    page = browser_as(learner, course_path(course))

    for exam in (timed, proctored):
        page.get_by_role("link", name=exam.name).click()
        expect(page.get_by_text("Not ready? You can leave now")).to_be_visible()
        page.get_by_role("link", name="I'm not ready: back to the course").click()
        expect(page.get_by_role("heading", name=course.name, level=1)).to_be_visible()
    assert not Attempt.objects.exists()  # deferring decides nothing


def test_the_learner_sees_their_own_time_with_allowances_and_the_due_date_cut(
    course, learner, browser_as
):
    midterm = exam_with_questions(course, name="Midterm", time_limit_minutes=60, position=1)
    AllowanceFactory(exam=midterm, learner=learner, minutes=30)
    quiz = exam_with_questions(
        course,
        name="Quiz",
        time_limit_minutes=60,
        position=2,
        due_at=timezone.now() + timedelta(minutes=20, seconds=30),
    )
    page = browser_as(learner, course_path(course))

    midterm_row = page.get_by_role("row", name="Midterm")
    expect(midterm_row.get_by_role("cell").nth(2)).to_have_text(
        "1 hour 30 minutes (with your extra time)"
    )
    quiz_row = page.get_by_role("row", name="Quiz")
    expect(quiz_row.get_by_role("cell").nth(2)).to_contain_text("(cut by the due date)")
    expect(quiz_row.get_by_role("cell").nth(2)).to_contain_text("20 minutes")

    page.goto(exam_path(midterm))
    expect(page.locator(".your-time")).to_have_text(
        "Your time for this exam: 1 hour 30 minutes, including the extra time you were granted."
    )
    page.goto(exam_path(quiz))
    expect(page.locator(".your-time")).to_contain_text("20 minutes")
    expect(page.get_by_text("shortens your time: if you start now, the exam ends")).to_be_visible()


def test_an_open_exam_banner_says_no_time_limit_and_shows_no_timer(course, auditor, browser_as):
    final = exam_with_questions(course, name="Final", exam_type="proctored")
    AttemptFactory(
        exam=final,
        learner=auditor,
        status=S.STARTED,
        taking_as_proctored=False,
        started_at=timezone.now(),
    )
    page = browser_as(auditor, course_path(course))

    banner = page.get_by_role("region", name="Exam in progress")
    expect(banner).to_contain_text("as an open exam: it has no time limit")
    expect(banner).not_to_contain_text("timer")
    expect(banner.locator("[data-timer-digits]")).to_have_count(0)
    expect(banner.get_by_role("link", name="Return to the exam")).to_be_visible()


def test_an_answer_changed_after_submitting_in_another_tab_says_submitted(
    course, learner, browser_as
):
    exam = exam_with_questions(course, name="Midterm")
    first = browser_as(learner, exam_path(exam))
    first.get_by_role("button", name="Start the timed exam").click()
    numeric = question(first, "six times seven")
    numeric.get_by_label("Your answer (a number)").fill("41")
    expect_saved(numeric)

    second = first.context.new_page()
    second.goto(exam_path(exam))
    second.get_by_role("button", name="End my exam").click()
    second.get_by_role("button", name="Yes, end my exam").click()
    expect(second.get_by_text("You have submitted this exam.")).to_be_visible()

    numeric.get_by_label("Your answer (a number)").fill("42")
    expect(first.get_by_text("You have submitted this exam.")).to_be_visible()
    expect(first.get_by_text("Time expired")).to_have_count(0)
    assert Attempt.objects.get(exam=exam).status == S.COMPLETED


def test_pages_from_the_history_show_the_exam_as_it_is_now(course, learner, browser_as):
    exam = exam_with_questions(course, name="Midterm")
    page = browser_as(learner, exam_path(exam))
    page.get_by_role("button", name="Start the timed exam").click()
    expect(page.locator("fieldset.question")).to_have_count(3)
    page.get_by_role("link", name="Exams", exact=True).click()
    expect(page.get_by_role("row", name="Midterm")).to_contain_text("In progress")
    page.go_back()
    page.get_by_role("button", name="End my exam").click()
    page.get_by_role("button", name="Yes, end my exam").click()
    expect(page.get_by_text("You have submitted this exam.")).to_be_visible()

    # Forward to the course page seen while the exam ran, then Back to the exam.
    page.go_forward()
    expect(page.get_by_role("row", name="Midterm")).to_contain_text("Submitted")
    expect(page.get_by_role("region", name="Exam in progress")).to_have_count(0)
    page.go_back()
    expect(page.get_by_text("You have submitted this exam.")).to_be_visible()
    expect(page.locator("[data-timer]")).to_have_count(0)


def test_focus_lands_on_the_new_heading_after_each_action(course, learner, browser_as):
    exam = exam_with_questions(course, name="Midterm")
    page = browser_as(learner, exam_path(exam))

    page.get_by_role("button", name="Start the timed exam").click()
    expect(page.locator("fieldset.question")).to_have_count(3)
    expect(page.get_by_role("heading", name="Midterm", level=1)).to_be_focused()
    page.get_by_role("button", name="End my exam").click()
    expect(
        page.get_by_role("heading", name="Are you sure you want to end your exam?")
    ).to_be_focused()
    page.get_by_role("button", name="Yes, end my exam").click()
    expect(page.get_by_role("heading", name="Exam submitted")).to_be_focused()
    # A plain visit does not move focus.
    page.reload()
    assert focus_is_on_the_page_itself(page)


def test_practice_retry_says_what_happens_next(course, learner, browser_as):
    practice = ExamFactory(course=course, name="Practice", practice=True)
    AttemptFactory(exam=practice, learner=learner, status=S.SUBMITTED, completed_at=timezone.now())
    page = browser_as(learner, exam_path(practice))

    expect(page.get_by_role("heading", name="Practice exam completed")).to_be_visible()
    expect(page.get_by_role("heading", name="Try again?")).to_be_visible()
    expect(page.get_by_text("Trying again starts a new practice attempt")).to_be_visible()
    page.get_by_role("button", name="Try the practice exam again").click()
    expect(page.get_by_role("heading", name="A new practice attempt")).to_be_focused()
    expect(page.get_by_text("Next you set up the proctoring software again")).to_be_visible()
    assert Attempt.objects.filter(exam=practice, learner=learner).count() == 2
