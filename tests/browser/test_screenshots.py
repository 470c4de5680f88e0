"""Screenshots of the main learner screens for docs/screenshots/, a few of them again in Arabic
(right to left) and in Spanish.

They are written only with UPDATE_SCREENSHOTS=1, so a test run never rewrites tracked files:
`UPDATE_SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py`.
"""

import os

import pytest

from tests.browser.helpers import REPO_ROOT, settle
from tests.browser.scenes import SCENES, stage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("UPDATE_SCREENSHOTS") != "1", reason="set UPDATE_SCREENSHOTS=1 to write"
    ),
]

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
SHOWN = [
    "course-home",
    "exam-entrance-proctored",
    "opt-out-confirm",
    "exam-running",
    "exam-warning",
    "end-confirm",
    "completed",
    "timed-out",
    "progress",
    "course-banner",
]


@pytest.mark.parametrize("scene", SHOWN)
def test_screenshot(course, learner, auditor, browser_as, scene):
    user, path = SCENES[scene](stage(course, learner, auditor))
    page = browser_as(user, path)
    settle(page)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{scene}.png"), animations="disabled", caret="hide")


# (scene, language): written as <scene>-<language>.png
IN_OTHER_LANGUAGES = [
    ("course-home", "ar"),
    ("exam-entrance-proctored", "ar"),
    ("exam-running", "ar"),
    ("exam-warning", "es"),
]


@pytest.mark.parametrize(("scene", "language"), IN_OTHER_LANGUAGES)
def test_screenshot_in_another_language(course, learner, auditor, browser_as, scene, language):
    user, path = SCENES[scene](stage(course, learner, auditor))
    page = browser_as(user, path, language=language)
    settle(page)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{scene}-{language}.png"), animations="disabled", caret="hide"
    )
