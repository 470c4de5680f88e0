"""What the browser tests share: page addresses, the timer's readout, answers, axe-core."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from exams.models import Course, Exam, QuestionKind
from tests.factories import ChoiceFactory, ExamFactory, QuestionFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
_HHMMSS = re.compile(r"^\d\d:\d\d:\d\d$")


def course_path(course: Course) -> str:
    return f"/courses/{course.course_id}/"


def progress_path(course: Course) -> str:
    return f"/courses/{course.course_id}/progress/"


def exam_path(exam: Exam) -> str:
    return f"/courses/{exam.course.course_id}/exams/{exam.pk}/"


def exam_with_questions(course: Course, **exam_fields) -> Exam:
    """An exam with one question of each kind the learner types or picks:
    numeric (42), short text (Paris) and single choice (Blue is right)."""
    exam = ExamFactory(course=course, **exam_fields)
    QuestionFactory(
        exam=exam,
        position=1,
        kind=QuestionKind.NUMERIC,
        prompt="What is six times seven?",
        numeric_answer=Decimal(42),
        points=Decimal(2),
    )
    QuestionFactory(
        exam=exam,
        position=2,
        kind=QuestionKind.TEXT,
        prompt="What is the capital of France?",
        numeric_answer=None,
        text_answers="Paris",
    )
    choice = QuestionFactory(
        exam=exam,
        position=3,
        kind=QuestionKind.SINGLE_CHOICE,
        prompt="Which colour is the sky on a clear day?",
        numeric_answer=None,
    )
    ChoiceFactory(question=choice, text="Green")
    ChoiceFactory(question=choice, text="Blue", is_correct=True)
    ChoiceFactory(question=choice, text="Red")
    return exam


def question(page: Page, prompt: str) -> Locator:
    """The fieldset of the question whose prompt contains `prompt`."""
    return page.locator("fieldset.question", has_text=prompt)


def expect_saved(fieldset: Locator) -> None:
    """Wait until autosave reports the answer saved."""
    expect(fieldset.locator(".save-state")).to_have_text("Saved")


def answer_all_correctly(page: Page) -> None:
    """Answer the three questions of `exam_with_questions`, waiting for each 'Saved'."""
    numeric = question(page, "six times seven")
    numeric.get_by_label("Your answer (a number)").fill("42")
    expect_saved(numeric)
    text = question(page, "capital of France")
    text.get_by_label("Your answer", exact=True).fill("Paris")
    expect_saved(text)
    choice = question(page, "colour is the sky")
    choice.get_by_label("Blue").check()
    expect_saved(choice)


def has_class(css_class: str) -> re.Pattern[str]:
    """For `to_have_class`: the element's classes include `css_class`."""
    return re.compile(rf"(^|\s){re.escape(css_class)}(\s|$)")


def hhmmss_to_seconds(text: str) -> int:
    hours, minutes, seconds = (int(part) for part in text.strip().split(":"))
    return hours * 3600 + minutes * 60 + seconds


def timer_seconds(page: Page, selector: str = "[data-timer] [data-timer-digits]") -> int:
    """The seconds the timer shows, once the script has drawn them."""
    digits = page.locator(selector)
    expect(digits).to_have_text(_HHMMSS)
    return hhmmss_to_seconds(digits.inner_text())


def settle(page: Page) -> None:
    """Wait until the page script has drawn every timer."""
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-timer-digits]'))"
        ".every(e => /\\d\\d:\\d\\d:\\d\\d/.test(e.textContent))",
        timeout=5000,
    )


def tab_to(page: Page, name: str, *, limit: int = 40) -> None:
    """Press Tab until the focused element's accessible text is `name` (bounded)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e ? (e.getAttribute('aria-label') || (e.labels && e.labels[0]"
            " && e.labels[0].innerText) || e.innerText || '').trim() : ''; }"
        )
        if focused == name:
            return
    pytest.fail(f"Tab never reached {name!r} within {limit} presses")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page; return its serious and critical violations."""
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `npm ci --no-audit --no-fund` at the repository root")
    # Evaluated through the DevTools protocol: the page's Content-Security-Policy forbids
    # inline scripts, and axe is a test tool, not part of the page.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]


# Every shipped language: axe-core runs on each page in each of them.
LANGUAGES = ("en", "es", "fr", "ar")


def violations_in_each_language(open_page, languages=LANGUAGES) -> dict[str, list]:
    """`open_page(language)` opens the page in that language; axe-core's serious and
    critical findings by language (only the languages that have any)."""
    found = {}
    for language in languages:
        page = open_page(language)
        settle_if_timed(page)
        assert page.locator("html").get_attribute("lang") == language
        violations = [
            {"id": v["id"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
            for v in axe_violations(page)
        ]
        if violations:
            found[language] = violations
        page.close()
    return found


def settle_if_timed(page: Page) -> None:
    if page.locator("[data-timer-digits]").count():
        settle(page)


def assert_accessible(page: Page, where: str) -> None:
    """Fail, listing every serious or critical axe-core violation, if the page has any."""
    violations = axe_violations(page)
    if violations:
        report = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [
                    {"target": n["target"], "summary": n.get("failureSummary", "")}
                    for n in v["nodes"]
                ],
            }
            for v in violations
        ]
        print(json.dumps(report, indent=2))
        pytest.fail(
            f"axe-core found {len(violations)} serious/critical violations on {where}:\n"
            + json.dumps(report, indent=2)
        )
