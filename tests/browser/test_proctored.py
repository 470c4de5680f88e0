"""Proctored exams in a real browser, with the simulated proctoring provider end to end.

The simulated software runs in its own window (a popup of the exam page); its server side calls
the app back with signed HTTP callbacks to the live server itself, processed at once (Celery
runs eagerly in tests). A reviewer (Django staff) in a browser of their own sends the verdict.

A software signal or a reviewer's verdict waits for the callback it sends to the same live
server; the browser conftest's server lets callbacks through (see its docstring).
"""

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from exams.models import Answer, Attempt, AttemptTransition, Course, Exam
from exams.statuses import AttemptStatus as S
from exams.templatetags.exam_format import spoken_duration
from tests.browser.helpers import (
    answer_all_correctly,
    assert_accessible,
    exam_path,
    exam_with_questions,
    expect_saved,
    progress_path,
    question,
    timer_seconds,
    violations_in_each_language,
)
from tests.factories import AttemptFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEW_RULES = "You may use one page of handwritten notes."
STOPPED = "Your exam stopped because the proctoring software stopped working or was closed."
REVIEWER_PATH = "/proctoring/simulated/reviewer/"
# The exam page calls the software dead after 15 s without a sign of life; its reload follows.
NOTICE_TIMEOUT_MS = 25_000
# The setup page asks the server every 3 s whether the software confirmed the checks.
READY_TIMEOUT_MS = 12_000


def server_idle(live_server: LiveServer) -> AbstractContextManager[object]:
    """Hold the server's turn while the test thread writes through the shared connection."""
    lock = getattr(live_server.thread.httpd, "request_lock", None)
    return lock if lock is not None else nullcontext()


@pytest.fixture
def staff_browser_as(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Like `browser_as`, in a browser context of its own: staff work in their own browser
    while the learner's pages stay signed in as the learner."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_page(user, path: str | None = None) -> Page:
        context = browser.new_context(
            viewport={"width": 1100, "height": 800}, base_url=live_server.url, locale="en-US"
        )
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        context.on("weberror", lambda error: errors.append(str(error.error)))
        contexts.append(context)
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        if path is not None:
            page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors on the staff pages: {errors}"


def proctored_exam(course: Course) -> Exam:
    course.proctoring_provider = "simulated"
    course.save(update_fields=["proctoring_provider"])
    return exam_with_questions(
        course,
        name="Final exam",
        exam_type="proctored",
        time_limit_minutes=90,
        review_rules=REVIEW_RULES,
    )


def software_path(attempt: Attempt) -> str:
    return f"/proctoring/simulated/software/{attempt.attempt_code}/"


def open_software(page: Page, link_name: str) -> Page:
    """Click the exam page's link to the proctoring software; return the window it opens."""
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=link_name, exact=True).click()
    software = opened.value
    software.wait_for_load_state()
    return software


def pass_the_checks(software: Page) -> None:
    """The software's five steps: install, system check, photo ID, photo, room scan."""
    for button in (
        "Install",
        "Run the system check",
        "Take the ID photo",
        "Take my photo",
        "Scan the room",
    ):
        software.get_by_role("button", name=button).click()
    expect(software.get_by_role("status")).to_have_text(
        "Checks passed. Return to the exam window to start."
    )
    expect(software.get_by_role("heading", name="Session running")).to_be_visible()


def set_up_and_start(page: Page) -> Page:
    """From the exam's entrance to the running exam; return the software window."""
    page.get_by_role("button", name="Take this exam with online proctoring").click()
    expect(page.get_by_role("heading", name="Set up the proctoring software")).to_be_visible()
    software = open_software(page, "Open the proctoring software")
    pass_the_checks(software)
    # The exam page moves on by itself once the provider's "ready" callback arrived.
    expect(page.get_by_role("heading", name="You are ready to start")).to_be_visible(
        timeout=READY_TIMEOUT_MS
    )
    page.get_by_role("button", name="Start the exam").click()
    expect(page.locator("fieldset.question")).to_have_count(3)
    return software


def crash_mid_exam(page: Page, software: Page, button: str, exam: Exam) -> Attempt:
    """Answer one question, press the software's `button`; wait for the exam page's alert."""
    numeric = question(page, "six times seven")
    numeric.get_by_label("Your answer (a number)").fill("42")
    expect_saved(numeric)

    software.get_by_role("button", name=button).click()
    expect(
        software.get_by_text("The session is closed. You can close this window.")
    ).to_be_visible()

    # No reload by the test: the page notices the silent software by itself.
    expect(page.get_by_role("alert").filter(has_text=STOPPED)).to_be_visible(
        timeout=NOTICE_TIMEOUT_MS
    )
    expect(page.locator("fieldset.question")).to_have_count(0)
    expect(page.locator("[data-timer]")).to_have_count(0)
    return Attempt.objects.get(exam=exam)


def test_proctored_exam_from_setup_to_a_satisfactory_review(
    course, learner, support, browser_as, staff_browser_as, mailoutbox
):
    exam = proctored_exam(course)
    page = browser_as(learner, exam_path(exam))

    page.get_by_role("button", name="Take this exam with online proctoring").click()
    expect(page.get_by_role("heading", name="Set up the proctoring software")).to_be_visible()
    attempt = Attempt.objects.get(exam=exam, learner=learner)
    assert attempt.status == S.DOWNLOAD_SOFTWARE_CLICKED
    software = open_software(page, "Open the proctoring software")
    assert software.url.endswith(software_path(attempt))
    pass_the_checks(software)

    expect(page.get_by_role("heading", name="You are ready to start")).to_be_visible(
        timeout=READY_TIMEOUT_MS
    )
    expect(page.locator("ul.rules")).to_contain_text("Sit at a clean desk")
    expect(page.get_by_role("heading", name="Rules for this exam")).to_be_visible()
    expect(page.locator("p.rules")).to_have_text(REVIEW_RULES)
    page.get_by_role("button", name="Start the exam").click()
    assert 5390 <= timer_seconds(page) <= 5400
    answer_all_correctly(page)
    page.get_by_role("button", name="End my exam").click()
    page.get_by_role("button", name="Yes, end my exam").click()
    expect(page.get_by_text("You have submitted this exam.")).to_be_visible()
    assert Attempt.objects.get(pk=attempt.pk).status == S.COMPLETED

    # The software follows the exam: at its end it offers to upload the recording.
    upload = software.get_by_role("button", name="Quit and upload")
    expect(upload).to_be_visible()
    upload.click()
    expect(software.get_by_role("status")).to_have_text("Recording uploaded for review.")
    page.reload()
    expect(page.locator(".review-result")).to_have_text("Proctoring review result: Pending")
    assert Attempt.objects.get(pk=attempt.pk).status == S.SUBMITTED

    desk = staff_browser_as(support, REVIEWER_PATH)
    session = desk.get_by_role("row").filter(has_text=attempt.attempt_code)
    expect(session).to_contain_text("Final exam")
    stale_tab = staff_browser_as(support, REVIEWER_PATH)
    session.get_by_role("button", name="Satisfactory", exact=True).click()
    expect(desk.get_by_role("status")).to_have_text(
        f"Verdict “Satisfactory” sent for session {attempt.attempt_code}. The session leaves "
        "this list once the exam has applied it."
    )
    expect(desk.get_by_text("No session is waiting for a review.")).to_be_visible()
    # A second verdict from a tab that still shows the session is refused, and says so.
    stale = stale_tab.get_by_role("row").filter(has_text=attempt.attempt_code)
    stale.get_by_role("button", name="Unsatisfactory", exact=True).click()
    expect(stale_tab.get_by_role("alert")).to_contain_text("your verdict was not sent")

    page.reload()
    expect(page.locator(".review-result")).to_have_text("Proctoring review result: Satisfactory")
    page.goto(progress_path(course))
    result = page.get_by_role("row").filter(has_text="Final exam")
    expect(result.get_by_role("cell")).to_have_text(
        ["Final exam", "Satisfactory", re.compile(r"^100(\.0+)?% \(passing\)$"), "Met"]
    )
    attempt.refresh_from_db()
    assert attempt.status == S.VERIFIED
    assert (attempt.points_earned, attempt.points_possible) == (Decimal(4), Decimal(4))
    assert [m.to for m in mailoutbox] == [["learner@example.com"]]
    assert "Final exam" in mailoutbox[0].subject


def test_software_crash_stops_the_exam_and_staff_let_the_learner_resume(
    course, learner, instructor, browser_as, live_server
):
    exam = proctored_exam(course)
    page = browser_as(learner, exam_path(exam))
    software = set_up_and_start(page)

    attempt = crash_mid_exam(page, software, "Simulate a crash", exam)
    assert attempt.status == S.ERROR
    assert attempt.deadline_at is None
    paused = attempt.paused_remaining_seconds
    assert paused is not None and 5380 <= paused < 5400
    assert list(Answer.objects.filter(attempt=attempt).values_list("response", flat=True)) == ["42"]
    assert AttemptTransition.objects.filter(
        attempt=attempt, to_status=S.ERROR, reason__contains="the software crashed"
    ).exists()

    # The learner cannot resume alone; an instructor of the course can.
    staff = Client()
    staff.force_login(instructor)
    with server_idle(live_server):
        answer = staff.post(f"/api/v1/attempts/{attempt.pk}/resume/")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == S.READY_TO_START

    page.reload()
    expect(page.get_by_role("heading", name="You are ready to start")).to_be_visible()
    left = spoken_duration(paused)
    expect(page.get_by_text(f"with the time that remained ({left})")).to_be_visible()
    reopened = open_software(page, "Open the proctoring software again")
    # Reopened after the checks: straight to monitoring.
    expect(reopened.get_by_role("heading", name="Session running")).to_be_visible()
    expect(reopened.get_by_role("button", name="Install")).to_be_hidden()

    page.get_by_role("button", name="Start the exam").click()
    shown = timer_seconds(page)
    # The reload after the click, and the readout floors twice (server and page).
    assert paused - 10 <= shown <= paused
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED
    left = (attempt.deadline_at - timezone.now()).total_seconds()
    assert paused - 10 <= left <= paused
    expect(question(page, "six times seven").get_by_label("Your answer (a number)")).to_have_value(
        "42"
    )


def test_closing_the_software_early_stops_the_exam(course, learner, browser_as):
    exam = proctored_exam(course)
    page = browser_as(learner, exam_path(exam))
    software = set_up_and_start(page)

    attempt = crash_mid_exam(page, software, "Close the software early", exam)

    assert attempt.status == S.ERROR
    assert AttemptTransition.objects.filter(
        attempt=attempt, to_status=S.ERROR, reason__contains="closed early"
    ).exists()
    assert Answer.objects.filter(attempt=attempt, response="42").count() == 1


def test_the_softwares_own_reason_is_kept_when_its_report_is_slow(
    course, learner, browser_as, monkeypatch
):
    """The software tells the exam page it stopped before its vendor's report arrives: the page
    waits a few seconds for that report (which says why) before reporting the stop itself."""
    import time

    from proctoring.simulated import vendor

    real_send = vendor.send

    def slow_send(**kwargs):
        if kwargs["payload"]["event"] == "error":
            time.sleep(2)  # a loaded server: the page's own check runs every second
        return real_send(**kwargs)

    monkeypatch.setattr(vendor, "send", slow_send)
    exam = proctored_exam(course)
    page = browser_as(learner, exam_path(exam))
    software = set_up_and_start(page)

    attempt = crash_mid_exam(page, software, "Simulate a crash", exam)

    assert attempt.status == S.ERROR
    (reason,) = AttemptTransition.objects.filter(attempt=attempt, to_status=S.ERROR).values_list(
        "reason", flat=True
    )
    assert "the software crashed" in reason


def test_closing_the_software_window_warns_first_and_then_ends_the_exam(
    course, learner, browser_as
):
    exam = proctored_exam(course)
    page = browser_as(learner, exam_path(exam))
    software = set_up_and_start(page)
    expect(
        software.get_by_text("Do not close this window: closing it ends your exam.")
    ).to_be_visible()
    numeric = question(page, "six times seven")
    numeric.get_by_label("Your answer (a number)").fill("42")
    expect_saved(numeric)
    asked: list[str] = []

    # The learner closes the window, is warned, and stays.
    software.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    software.close(run_before_unload=True)
    expect(software.get_by_role("heading", name="Session running")).to_be_visible()
    assert asked == ["beforeunload"]
    assert Attempt.objects.get(exam=exam).status == S.STARTED

    # Warned again, the learner goes on: the window closes and the exam ends.
    software.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    software.close(run_before_unload=True)
    expect(page.get_by_role("alert").filter(has_text=STOPPED)).to_be_visible(
        timeout=NOTICE_TIMEOUT_MS
    )
    assert asked == ["beforeunload", "beforeunload"]
    attempt = Attempt.objects.get(exam=exam)
    assert attempt.status == S.ERROR
    assert attempt.paused_remaining_seconds is not None
    assert Answer.objects.filter(attempt=attempt, response="42").count() == 1


def test_practice_session_is_never_said_to_be_uploaded_for_review(
    course, learner, browser_as, live_server
):
    course.proctoring_provider = "simulated"
    course.save(update_fields=["proctoring_provider"])
    practice = exam_with_questions(course, name="Practice", exam_type="practice")
    attempt = _attempt(
        practice, learner, S.COMPLETED, started_at=timezone.now(), completed_at=timezone.now()
    )
    page = browser_as(learner, exam_path(practice))
    expect(page.get_by_text("quit the practice session")).to_be_visible()
    expect(page.get_by_text("uploaded for review")).to_have_count(0)

    software = page.context.new_page()
    software.goto(software_path(attempt))
    expect(software.get_by_text("Practice sessions are not recorded or reviewed.")).to_be_visible()
    software.get_by_role("button", name="Quit the practice session").click()
    expect(software.get_by_role("status")).to_have_text(
        "Practice session closed. Nothing was recorded or sent for review."
    )
    attempt.refresh_from_db()
    assert attempt.status == S.SUBMITTED

    # Nor does it wait for the review team.
    reviewer = Client()
    reviewer.force_login(UserFactory(is_staff=True, is_superuser=True))
    with server_idle(live_server):
        desk = reviewer.get(REVIEWER_PATH).content.decode()
    assert attempt.attempt_code not in desk
    assert "No session is waiting for a review." in desk


# Accessibility: every screen of the simulated provider, and the learner's proctoring pages.


def _attempt(exam: Exam, learner, status: S, **fields) -> Attempt:
    return AttemptFactory(exam=exam, learner=learner, status=status, **fields)


def _started(exam: Exam, learner) -> Attempt:
    now = timezone.now()
    return _attempt(
        exam,
        learner,
        S.STARTED,
        started_at=now,
        allowed_seconds=5400,
        deadline_at=now + timedelta(seconds=5400),
    )


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (S.DOWNLOAD_SOFTWARE_CLICKED, "Install the software"),
        (S.STARTED, "Session running"),
        (S.COMPLETED, "Your exam has ended"),
    ],
)
def test_software_window_has_no_serious_accessibility_problem(
    course, learner, browser_as, status, shown
):
    exam = proctored_exam(course)
    attempt = _started(exam, learner) if status == S.STARTED else _attempt(exam, learner, status)
    page = browser_as(learner, software_path(attempt))
    expect(page.get_by_text(shown)).to_be_visible()

    found = violations_in_each_language(
        lambda language: browser_as(learner, software_path(attempt), language=language)
    )
    assert found == {}, f"the proctoring software ({status})"


def test_software_window_steps_have_no_serious_accessibility_problem(course, learner, browser_as):
    exam = proctored_exam(course)
    attempt = _attempt(exam, learner, S.DOWNLOAD_SOFTWARE_CLICKED)
    page = browser_as(learner, software_path(attempt))
    for button in ("Install", "Run the system check", "Take the ID photo"):
        page.get_by_role("button", name=button).click()
    expect(page.get_by_role("status")).to_have_text("Step 3 done.")

    assert_accessible(page, "the proctoring software, half way through the checks")


@pytest.mark.parametrize("status", [S.ERROR, S.SUBMITTED, S.VERIFIED])
def test_software_window_of_a_stopped_or_finished_session_offers_no_setup(
    course, learner, browser_as, status
):
    exam = proctored_exam(course)
    now = timezone.now()
    fields = {"started_at": now - timedelta(minutes=10)}
    if status == S.ERROR:
        fields["paused_remaining_seconds"] = 3000
    else:
        fields["completed_at"] = now
    attempt = _attempt(exam, learner, status, **fields)
    page = browser_as(learner, software_path(attempt))

    expect(page.get_by_text("The session is closed. You can close this window.")).to_be_visible()
    expect(page.get_by_role("button", name="Install")).to_be_hidden()
    expect(page.get_by_role("button", name="Simulate a crash")).to_be_hidden()
    found = violations_in_each_language(
        lambda language: browser_as(learner, software_path(attempt), language=language)
    )
    assert found == {}, f"the proctoring software ({status})"


@pytest.mark.parametrize("waiting", [True, False], ids=["sessions", "empty"])
def test_reviewer_desk_has_no_serious_accessibility_problem(
    course, learner, support, staff_browser_as, browser_as, waiting
):
    exam = proctored_exam(course)
    if waiting:
        _attempt(exam, learner, S.SUBMITTED, completed_at=timezone.now())
        other = UserFactory(username="second", email="second@example.com")
        _attempt(exam, other, S.SECOND_REVIEW_REQUIRED, completed_at=timezone.now())
    page = staff_browser_as(support, REVIEWER_PATH)
    expect(page.get_by_role("button", name="Satisfactory", exact=True)).to_have_count(
        2 if waiting else 0
    )

    assert_accessible(page, "the reviewer desk")
    found = violations_in_each_language(
        lambda language: browser_as(support, REVIEWER_PATH, language=language)
    )
    assert found == {}, "the reviewer desk"


@pytest.mark.parametrize(
    "status", [S.DOWNLOAD_SOFTWARE_CLICKED, S.READY_TO_START, S.ERROR, S.SUBMITTED]
)
def test_learner_proctoring_page_has_no_serious_accessibility_problem(
    course, learner, browser_as, status
):
    exam = proctored_exam(course)
    fields = {"completed_at": timezone.now()} if status == S.SUBMITTED else {}
    if status == S.ERROR:
        fields = {"started_at": timezone.now(), "paused_remaining_seconds": 3000}
    _attempt(exam, learner, status, **fields)
    found = violations_in_each_language(
        lambda language: browser_as(learner, exam_path(exam), language=language)
    )
    assert found == {}, f"the exam page ({status})"
