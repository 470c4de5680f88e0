"""The instructor pages in a real browser: find and clear an attempt through the confirmation
dialog (the learner then starts from the beginning), upload a CSV of allowances with a dry run,
fix it and apply it, inline settings errors; axe-core on every instructor page; screenshots.

Screenshots are written to docs/screenshots/dashboard-*.png only with UPDATE_SCREENSHOTS=1:
`UPDATE_SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_dashboard.py -k screenshot`.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from exams.models import Allowance, Answer, Attempt, Course, Exam, Question
from exams.statuses import AttemptStatus as S
from tests.browser.helpers import (
    REPO_ROOT,
    exam_path,
    exam_with_questions,
    violations_in_each_language,
)
from tests.factories import (
    AllowanceFactory,
    AttemptFactory,
    EnrollmentFactory,
    ExamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"


def instructor_path(course: Course, suffix: str = "") -> str:
    return f"/courses/{course.course_id}/instructor/{suffix}"


def row(page: Page, username: str):
    return page.locator("table.attempts tbody tr", has_text=username)


def search(page: Page, text: str) -> None:
    page.get_by_label("Username or e-mail").fill(text)
    page.get_by_role("button", name="Search").click()


def started_with_an_answer(exam: Exam, learner) -> Attempt:
    attempt = AttemptFactory(exam=exam, learner=learner, started=True)
    question = Question.objects.get(exam=exam, kind="numeric")
    Answer.objects.create(attempt=attempt, question=question, response="41")
    return attempt


def test_instructor_finds_an_attempt_clears_it_and_the_learner_starts_again(
    course, learner, other_learner, instructor, browser_as
):
    exam = exam_with_questions(course, name="Midterm")
    attempt = started_with_an_answer(exam, learner)
    AttemptFactory(exam=exam, learner=other_learner, status=S.COMPLETED)
    page = browser_as(instructor, instructor_path(course))

    search(page, "LEARN")
    expect(row(page, "learner@example.com")).to_have_count(1)
    expect(row(page, "other@example.com")).to_have_count(0)
    search(page, "learner@EXAMPLE.com")
    expect(page.locator("table.attempts tbody tr")).to_have_count(1)
    expect(row(page, "learner@example.com")).to_contain_text("Midterm")

    clear = page.get_by_role("link", name="Clear the attempt of learner at Midterm")
    clear.click()
    dialog = page.get_by_role("dialog", name="Clear this exam attempt?")
    expect(dialog).to_contain_text("removes every answer in it")
    expect(dialog).to_contain_text("cannot be undone")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert Attempt.objects.filter(pk=attempt.pk).exists()

    clear.click()
    dialog.get_by_role("button", name="Clear the attempt").click()

    expect(page.get_by_text("Cleared the attempt of learner at Midterm.")).to_be_visible()
    expect(page.get_by_text("No attempts match this search.")).to_be_visible()
    expect(page.get_by_label("Username or e-mail")).to_have_value("learner@EXAMPLE.com")
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert not Answer.objects.filter(attempt_id=attempt.pk).exists()

    learner_page = browser_as(learner, exam_path(exam))
    learner_page.get_by_role("button", name="Start the timed exam").click()
    numeric = learner_page.locator("fieldset.question", has_text="six times seven")
    expect(numeric.get_by_label("Your answer (a number)")).to_have_value("")
    new = Attempt.objects.get(exam=exam, learner=learner)
    assert (new.pk != attempt.pk, new.status) == (True, S.STARTED)


def test_instructor_resumes_an_errored_attempt(course, learner, instructor, browser_as):
    exam = ExamFactory(course=course, name="Final", proctored=True)
    attempt = AttemptFactory(
        exam=exam,
        learner=learner,
        status=S.ERROR,
        started_at=timezone.now() - timedelta(minutes=20),
        paused_remaining_seconds=1800,
    )
    page = browser_as(instructor, instructor_path(course))

    page.get_by_role("button", name="Resume the attempt of learner at Final").click()

    expect(page.get_by_text("learner can resume Final.")).to_be_visible()
    expect(row(page, "learner")).to_contain_text("Ready to start")
    assert Attempt.objects.get(pk=attempt.pk).status == S.READY_TO_START


def write_csv(folder: Path, name: str, *rows: str) -> Path:
    path = folder / name
    path.write_text("learner,exam,kind,value,reason,expires_at\n" + "\n".join(rows) + "\n")
    return path


def test_instructor_checks_a_csv_fixes_it_and_applies_it(
    course, learner, other_learner, instructor, browser_as, tmp_path
):
    ExamFactory(course=course, name="Final exam", proctored=True)
    bad = write_csv(
        tmp_path,
        "extra-time.csv",
        "learner,Final exam,additional_minutes,30,Disability services,",
        "other@example.com,Final exam,additional_minutes,thirty,,",
        "nobody,,time_multiplier,1.5,,",
    )
    page = browser_as(instructor, instructor_path(course, "allowances/"))

    page.get_by_label("CSV file:", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()

    report = page.locator("#csv-report")
    expect(report).to_contain_text("2 of 3 rows have problems. Nothing was saved")
    problems = report.locator("tr.row-problem")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("3")
    expect(problems.nth(0)).to_contain_text("Additional minutes must be a whole number.")
    expect(problems.nth(1)).to_contain_text("No user with username or e-mail 'nobody'.")
    expect(page.get_by_role("button", name="Apply: save 3 allowances")).to_have_count(0)
    assert not Allowance.objects.exists()

    fixed = write_csv(
        tmp_path,
        "extra-time-fixed.csv",
        "learner,Final exam,additional_minutes,30,Disability services,",
        "other@example.com,Final exam,additional_minutes,30,,",
        "learner,,time_multiplier,1.5,,2030-01-01T00:00:00Z",
    )
    page.get_by_label("CSV file:", exact=True).set_input_files(str(fixed))
    page.get_by_role("button", name="Check the file").click()
    expect(report).to_contain_text("All 3 rows are ready.")
    assert not Allowance.objects.exists()
    page.get_by_role("button", name="Apply: save 3 allowances").click()

    expect(page.get_by_text("Saved 3 allowances from extra-time-fixed.csv.")).to_be_visible()
    expect(page.locator("table.allowances tbody tr")).to_have_count(3)
    assert sorted(Allowance.objects.values_list("learner__username", "kind")) == [
        ("learner", "additional_minutes"),
        ("learner", "time_multiplier"),
        ("other", "additional_minutes"),
    ]


def test_instructor_deletes_an_allowance_through_the_dialog(
    course, learner, instructor, browser_as
):
    AllowanceFactory(exam=ExamFactory(course=course, name="Final"), learner=learner, minutes=30)
    page = browser_as(instructor, instructor_path(course, "allowances/"))

    page.get_by_role("link", name="Delete Additional minutes of learner").click()
    dialog = page.get_by_role("dialog", name="Delete this allowance?")
    dialog.get_by_role("button", name="Delete the allowance").click()

    expect(page.get_by_text("Allowance deleted.")).to_be_visible()
    expect(page.get_by_text("No allowances yet.")).to_be_visible()
    assert not Allowance.objects.exists()


def test_bad_time_allotted_is_shown_at_the_field_with_focus(course, instructor, browser_as):
    exam = ExamFactory(course=course, name="Midterm", time_limit_minutes=60)
    page = browser_as(instructor, instructor_path(course, "settings/"))
    form = page.locator(f"#exam-{exam.pk}")

    form.get_by_label("Time Allotted (HH:MM)").fill("1:5")
    form.get_by_role("button", name="Save Midterm").click()

    field = page.locator(f"#exam-{exam.pk}").get_by_label("Time Allotted (HH:MM)")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#id_exam-{exam.pk}-time_allotted_error")).to_have_text(
        "Write the minutes with two digits, for example 01:05."
    )
    assert Exam.objects.get(pk=exam.pk).time_limit_minutes == 60


# A realistic course for axe-core and the screenshots.


def busy_course(course: Course, learner, other_learner, auditor, instructor) -> dict:
    """A course of three exams with attempts in many statuses, allowances, and a CSV."""
    course.name = "Introduction to Statistics"
    course.save(update_fields=["name"])
    midterm = ExamFactory(course=course, name="Midterm exam", time_limit_minutes=60, position=1)
    final = ExamFactory(
        course=course,
        name="Final exam",
        proctored=True,
        time_limit_minutes=90,
        position=2,
        due_at=datetime(2026, 12, 18, 17, 0, tzinfo=UTC),
        review_rules="You may use one page of handwritten notes.",
    )
    ExamFactory(course=course, name="Practice exam", practice=True, position=3)
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    people = [learner, other_learner, auditor] + [
        EnrollmentFactory(
            user=UserFactory(username=name, email=f"{name}@example.com"), course=course
        ).user
        for name in ("amira.k", "ben_o", "chen.li", "dana")
    ]
    statuses = [S.VERIFIED, S.SUBMITTED, S.ERROR, S.STARTED, S.REJECTED, S.VERIFIED, S.CREATED]
    for index, (person, status) in enumerate(zip(people, statuses, strict=True)):
        begun = start + timedelta(minutes=17 * index)
        running = status not in (S.CREATED,)
        AttemptFactory(
            exam=final,
            learner=person,
            status=status,
            taking_as_proctored=True,
            started_at=begun if running else None,
            allowed_seconds=(120 if index == 0 else 90) * 60 if running else None,
            completed_at=begun + timedelta(minutes=80)
            if status in (S.VERIFIED, S.SUBMITTED, S.REJECTED)
            else None,
        )
    for person, status in zip(
        people[:4], [S.COMPLETED, S.TIMED_OUT, S.COMPLETED, S.STARTED], strict=True
    ):
        AttemptFactory(
            exam=midterm,
            learner=person,
            status=status,
            taking_as_proctored=False,
            started_at=start - timedelta(days=7),
            allowed_seconds=3600,
            completed_at=start - timedelta(days=7) + timedelta(minutes=55)
            if status != S.STARTED
            else None,
        )
    AllowanceFactory(
        exam=final,
        learner=learner,
        minutes=30,
        reason="Disability services letter 2026-114",
        granted_by=instructor,
    )
    AllowanceFactory(
        exam=None,
        course=course,
        learner=other_learner,
        kind="review_exception",
        minutes=None,
        text="Learner cannot see. Allow an additional person in the room to act as a scribe.",
        reason="Accessibility office",
        granted_by=instructor,
    )
    return {"midterm": midterm, "final": final}


def show_dry_run(page: Page, folder: Path) -> None:
    csv = write_csv(
        folder,
        "extra-time.csv",
        "amira.k@example.com,Final exam,additional_minutes,30,Letter 2026-120,",
        "ben_o,Final exam,time_multiplier,one and a half,,",
        "nobody,,additional_minutes,15,,",
        "chen.li,Midterm exam,additional_minutes,20,,next week",
    )
    # By structure, not by label: the page may be in any of the site's languages.
    upload = page.locator("form[enctype='multipart/form-data']")
    upload.locator("input[type=file]").set_input_files(str(csv))
    upload.locator("button[type=submit]").click()
    expect(page.locator("#csv-report")).to_be_visible()


PAGES = {
    "dashboard": "",
    "allowances": "allowances/",
    "settings": "settings/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_instructor_pages_have_no_serious_accessibility_violations(
    course, learner, other_learner, auditor, instructor, browser_as, tmp_path, name
):
    busy_course(course, learner, other_learner, auditor, instructor)

    def open_page(language):
        page = browser_as(instructor, instructor_path(course, PAGES[name]), language=language)
        if name == "allowances":
            show_dry_run(page, tmp_path)
        return page

    assert violations_in_each_language(open_page) == {}, f"axe-core on the {name} page"


def test_clear_dialog_has_no_serious_accessibility_violations(
    course, learner, other_learner, auditor, instructor, browser_as
):
    busy_course(course, learner, other_learner, auditor, instructor)

    def open_dialog(language):
        page = browser_as(instructor, instructor_path(course), language=language)
        page.locator("a.clear-x").first.click()
        expect(page.get_by_role("dialog")).to_be_visible()
        return page

    assert violations_in_each_language(open_dialog) == {}


def test_confirmation_and_edit_pages_have_no_serious_accessibility_violations(
    course, learner, other_learner, auditor, instructor, browser_as
):
    exams = busy_course(course, learner, other_learner, auditor, instructor)
    attempt = Attempt.objects.filter(exam=exams["final"], learner=learner).get()
    allowance = Allowance.objects.filter(learner=learner).get()

    for suffix in (
        f"attempts/{attempt.pk}/clear/",
        f"allowances/{allowance.pk}/edit/",
        f"allowances/{allowance.pk}/delete/",
    ):
        path = instructor_path(course, suffix)
        found = violations_in_each_language(
            lambda language, path=path: browser_as(instructor, path, language=language)
        )
        assert found == {}, suffix


@pytest.mark.skipif(
    os.environ.get("UPDATE_SCREENSHOTS") != "1", reason="set UPDATE_SCREENSHOTS=1 to write"
)
@pytest.mark.parametrize("name", list(PAGES))
def test_screenshot(
    course, learner, other_learner, auditor, instructor, browser_as, tmp_path, name
):
    busy_course(course, learner, other_learner, auditor, instructor)
    page = browser_as(instructor, instructor_path(course, PAGES[name]))
    if name == "allowances":
        show_dry_run(page, tmp_path)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"dashboard-{name}.png"),
        full_page=True,
        animations="disabled",
        caret="hide",
    )
