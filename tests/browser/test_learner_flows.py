"""The learner's exam flows in a real browser: page script, API and database together."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exams.models import Answer, Attempt, AttemptTransition
from exams.statuses import AttemptStatus as S
from tests.browser.helpers import (
    answer_all_correctly,
    course_path,
    exam_path,
    exam_with_questions,
    expect_saved,
    has_class,
    progress_path,
    question,
    tab_to,
    timer_seconds,
)
from tests.factories import AttemptFactory, ExamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIME_EXPIRED = "Time expired. Your answers were submitted for grading."


def graded_points(attempt: Attempt) -> dict[str, Decimal | None]:
    return {
        a.question.prompt: a.points_awarded
        for a in Answer.objects.filter(attempt=attempt).select_related("question")
    }


def test_timed_exam_answered_and_ended_early_shows_the_score(course, learner, browser_as):
    exam = exam_with_questions(course, name="Midterm")
    page = browser_as(learner, exam_path(exam))

    page.get_by_role("button", name="Start the timed exam").click()
    assert 3595 <= timer_seconds(page) < 3600
    answer_all_correctly(page)
    page.get_by_role("button", name="End my exam").click()
    expect(
        page.get_by_role("heading", name="Are you sure you want to end your exam?")
    ).to_be_visible()
    expect(page.locator("[data-timer] [data-timer-digits]")).to_be_visible()
    page.get_by_role("button", name="No, continue working").click()
    expect(
        question(page, "capital of France").get_by_label("Your answer", exact=True)
    ).to_have_value("Paris")
    page.get_by_role("button", name="End my exam").click()
    page.get_by_role("button", name="Yes, end my exam").click()

    expect(page.get_by_text("You have submitted this exam.")).to_be_visible()
    expect(page.get_by_text("Your score: 100.0% (passing)")).to_be_visible()
    expect(page.locator("fieldset.question")).to_have_count(0)
    attempt = Attempt.objects.get(exam=exam, learner=learner)
    assert attempt.status == S.COMPLETED
    assert (attempt.points_earned, attempt.points_possible) == (Decimal(4), Decimal(4))
    assert graded_points(attempt) == {
        "What is six times seven?": Decimal(2),
        "What is the capital of France?": Decimal(1),
        "Which colour is the sky on a clear day?": Decimal(1),
    }


def test_exam_left_open_submits_itself_at_zero(course, learner, browser_as):
    # The due date, seven seconds away, cuts the hour the exam allows.
    exam = exam_with_questions(course, due_at=timezone.now() + timedelta(seconds=7))
    page = browser_as(learner, exam_path(exam))

    page.get_by_role("button", name="Start the timed exam").click()
    expect(
        page.get_by_text("The exam's due date shortened the time you were allowed")
    ).to_be_visible()
    assert timer_seconds(page) <= 7
    numeric = question(page, "six times seven")
    numeric.get_by_label("Your answer (a number)").fill("41")
    expect_saved(numeric)

    expect(page.get_by_text(TIME_EXPIRED)).to_be_visible(timeout=15_000)
    assert page.url.endswith("?ended=time")
    expect(page.locator("fieldset.question")).to_have_count(0)
    attempt = Attempt.objects.get(exam=exam, learner=learner)
    assert attempt.status == S.TIMED_OUT
    assert attempt.cut_by_due_date is True
    assert attempt.completed_at == attempt.deadline_at
    assert graded_points(attempt) == {"What is six times seven?": Decimal(0)}
    assert (attempt.points_earned, attempt.points_possible) == (Decimal(0), Decimal(4))


def test_reopened_exam_resumes_with_less_time_and_the_saved_answers(course, learner, browser_as):
    exam = exam_with_questions(course)
    page = browser_as(learner, exam_path(exam))
    page.get_by_role("button", name="Start the timed exam").click()
    numeric = question(page, "six times seven")
    numeric.get_by_label("Your answer (a number)").fill("42")
    expect_saved(numeric)
    choice = question(page, "colour is the sky")
    choice.get_by_label("Blue").check()
    expect_saved(choice)
    before = timer_seconds(page)

    page.close()
    time.sleep(2)
    page = page.context.new_page()
    page.goto(exam_path(exam))

    after = timer_seconds(page)
    # Two seconds closed, plus the time to reopen; the readout floors twice (server and page).
    assert before - 12 <= after < before
    expect(question(page, "six times seven").get_by_label("Your answer (a number)")).to_have_value(
        "42"
    )
    expect(question(page, "colour is the sky").get_by_label("Blue")).to_be_checked()
    expect(
        question(page, "capital of France").get_by_label("Your answer", exact=True)
    ).to_have_value("")
    assert Attempt.objects.get(exam=exam, learner=learner).status == S.STARTED


@pytest.mark.parametrize(
    ("seconds_left", "css_class", "flag", "announcement"),
    [
        (724, "timer-warning", "Low time", "Warning: 12 minutes left. 20% of your time remains."),
        (
            184,
            "timer-critical",
            "Very little time left",
            "Warning: 3 minutes left. 5% of your time remains.",
        ),
        # A 15-minute exam warns at 45 s: less than a minute left is spoken in seconds.
        (
            (900, 48),
            "timer-critical",
            "Very little time left",
            "Warning: 45 seconds left. 5% of your time remains.",
        ),
    ],
    ids=["20-percent", "5-percent", "5-percent-in-seconds"],
)
def test_time_warnings_reach_the_live_region(
    course, learner, browser_as, seconds_left, css_class, flag, announcement
):
    allowed, seconds_left = (
        seconds_left if isinstance(seconds_left, tuple) else (3600, seconds_left)
    )
    exam = exam_with_questions(course)
    AttemptFactory(
        exam=exam,
        learner=learner,
        started=True,
        allowed_seconds=allowed,
        deadline_at=timezone.now() + timedelta(seconds=seconds_left),
    )
    page = browser_as(learner, exam_path(exam))
    box = page.locator("[data-timer]")
    announcer = page.locator("[data-timer-announcer]")
    first, second = (allowed // 5, allowed // 20)
    expect(box).to_have_attribute("data-warn", f"{first},{second}")
    expect(announcer).to_have_text("")
    expect(box).not_to_have_class(has_class(css_class))

    expect(announcer).to_have_text(announcement, timeout=6000)
    expect(box).to_have_class(has_class(css_class))
    expect(page.locator("[data-timer-flag]")).to_have_text(flag)
    expect(announcer).to_have_attribute("aria-live", "assertive")


def test_page_opened_after_the_warning_says_so_in_words(course, learner, browser_as):
    exam = exam_with_questions(course)
    AttemptFactory(
        exam=exam,
        learner=learner,
        started=True,
        allowed_seconds=3600,
        deadline_at=timezone.now() + timedelta(seconds=600),
    )
    page = browser_as(learner, exam_path(exam))

    expect(page.locator("[data-timer]")).to_have_class(has_class("timer-warning"))
    expect(page.locator("[data-timer-flag]")).to_have_text("Low time")


def test_timer_can_be_hidden_and_shown_with_the_keyboard(course, learner, browser_as):
    exam = exam_with_questions(course)
    AttemptFactory(exam=exam, learner=learner, started=True)
    page = browser_as(learner, exam_path(exam))
    toggle = page.locator("[data-timer-toggle]")
    digits = page.locator("[data-timer] [data-timer-digits]")
    expect(toggle).to_have_attribute("aria-pressed", "false")

    tab_to(page, "Hide timer")
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(toggle).to_have_text("Show timer")
    expect(digits).to_be_hidden()
    expect(toggle).to_be_focused()

    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(toggle).to_have_text("Hide timer")
    expect(digits).to_be_visible()


def test_verified_learner_opts_out_and_takes_an_open_exam(course, learner, browser_as):
    exam = exam_with_questions(course, exam_type="proctored", name="Final")
    page = browser_as(learner, exam_path(exam))

    page.get_by_role("link", name="Take this exam without proctoring").click()
    expect(page.get_by_role("heading", name="Take this exam without proctoring?")).to_be_visible()
    page.get_by_role("button", name="Yes, take it without proctoring").click()
    expect(page.get_by_text("You chose to take this exam without proctoring")).to_be_visible()
    page.get_by_role("button", name="Begin the open exam").click()

    expect(page.locator("fieldset.question")).to_have_count(3)
    expect(page.get_by_text("You are taking this exam as an open exam")).to_be_visible()
    expect(page.locator("[data-timer]")).to_have_count(0)
    attempt = Attempt.objects.get(exam=exam, learner=learner)
    assert attempt.taking_as_proctored is False
    assert attempt.status == S.STARTED
    assert attempt.deadline_at is None
    history = list(
        AttemptTransition.objects.filter(attempt=attempt).values_list("from_status", "to_status")
    )
    assert history == [("", S.CREATED), (S.CREATED, S.DECLINED), (S.DECLINED, S.STARTED)]


def test_audit_learner_takes_the_open_exam_and_submits(course, auditor, browser_as):
    exam = exam_with_questions(course, exam_type="proctored")
    page = browser_as(auditor, exam_path(exam))

    page.get_by_role("button", name="Begin the open exam").click()
    expect(page.locator("fieldset.question")).to_have_count(3)
    expect(page.locator("[data-timer]")).to_have_count(0)
    answer_all_correctly(page)
    page.get_by_role("button", name="End my exam").click()
    page.get_by_role("button", name="Yes, end my exam").click()

    expect(page.get_by_text("You have submitted this exam.")).to_be_visible()
    expect(page.get_by_text("Your score: 100.0% (passing)")).to_be_visible()
    expect(page.get_by_text("Proctoring review result")).to_have_count(0)
    attempt = Attempt.objects.get(exam=exam, learner=auditor)
    assert (attempt.status, attempt.taking_as_proctored) == (S.COMPLETED, False)
    assert attempt.points_earned == Decimal(4)


@pytest.mark.parametrize("finished", [S.COMPLETED, S.SUBMITTED])
def test_practice_exam_can_be_tried_again(course, learner, browser_as, finished):
    exam = ExamFactory(course=course, practice=True, name="Practice exam")
    old = AttemptFactory(
        exam=exam,
        learner=learner,
        status=finished,
        taking_as_proctored=True,
        started_at=timezone.now() - timedelta(minutes=20),
        completed_at=timezone.now() - timedelta(minutes=12),
    )
    page = browser_as(learner, exam_path(exam))
    expect(page.get_by_text("You have completed this practice exam.")).to_be_visible()

    page.get_by_role("button", name="Try the practice exam again").click()

    expect(page.get_by_role("button", name="Continue to the proctoring setup")).to_be_visible()
    attempts = list(Attempt.objects.filter(exam=exam, learner=learner).order_by("id"))
    assert attempts[0].pk == old.pk
    assert [(a.status, a.taking_as_proctored, a.is_sample_attempt) for a in attempts] == [
        (finished, True, True),
        (S.CREATED, True, True),
    ]


@pytest.mark.parametrize("where", ["course home", "progress"])
def test_course_pages_show_the_running_timer_with_a_way_back(
    course, learner, browser_as, live_server, where
):
    exam = exam_with_questions(course, name="Midterm")
    AttemptFactory(exam=exam, learner=learner, started=True)
    page = browser_as(
        learner, course_path(course) if where == "course home" else progress_path(course)
    )

    banner = page.get_by_role("region", name="Exam in progress")
    expect(banner).to_contain_text("You are taking Midterm. The exam timer keeps running")
    digits = banner.locator("[data-timer-digits]")
    first = timer_seconds(page, "[data-mode=banner] [data-timer-digits]")
    assert 3590 <= first <= 3600
    expect(digits).not_to_have_text(digits.inner_text(), timeout=3000)

    banner.get_by_role("link", name="Return to the exam").click()
    expect(page).to_have_url(live_server.url + exam_path(exam))
    expect(page.locator("[data-timer][data-mode=exam]")).to_be_visible()
    expect(page.get_by_role("region", name="Exam in progress")).to_have_count(0)


def test_timed_exam_done_with_the_keyboard_only(course, learner, browser_as):
    exam = exam_with_questions(course)
    page = browser_as(learner, exam_path(exam))

    tab_to(page, "Start the timed exam")
    page.keyboard.press("Enter")
    expect(page.locator("fieldset.question")).to_have_count(3)
    tab_to(page, "Your answer (a number)")
    page.keyboard.type("42")
    tab_to(page, "Your answer")
    expect_saved(question(page, "six times seven"))
    page.keyboard.type("Paris")
    tab_to(page, "Green")
    expect_saved(question(page, "capital of France"))
    page.keyboard.press("ArrowDown")
    expect(question(page, "colour is the sky").get_by_label("Blue")).to_be_checked()
    expect_saved(question(page, "colour is the sky"))
    tab_to(page, "End my exam")
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Are you sure you want to end your exam?")
    ).to_be_visible()
    tab_to(page, "Yes, end my exam")
    page.keyboard.press("Space")

    expect(page.get_by_text("Your score: 100.0% (passing)")).to_be_visible()
    attempt = Attempt.objects.get(exam=exam, learner=learner)
    assert (attempt.status, attempt.points_earned) == (S.COMPLETED, Decimal(4))


def test_banner_at_zero_ends_the_exam_and_goes_away(course, learner, browser_as):
    exam = exam_with_questions(course, name="Midterm")
    attempt = AttemptFactory(
        exam=exam,
        learner=learner,
        started=True,
        allowed_seconds=3600,
        deadline_at=timezone.now() + timedelta(seconds=3),
    )
    page = browser_as(learner)
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    page.goto(course_path(course))
    expect(page.get_by_role("region", name="Exam in progress")).to_be_visible()

    expect(page.get_by_role("region", name="Exam in progress")).to_have_count(0, timeout=8000)
    expect(page.get_by_role("cell", name="Time expired; answers submitted")).to_be_visible()
    assert len(loads) == 2  # the visit, then one reload at 00:00
    attempt.refresh_from_db()
    assert attempt.status == S.TIMED_OUT
