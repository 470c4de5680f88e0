"""axe-core finds no serious or critical problem on any learner screen, in any shipped language.

axe-core comes from npm (package.json at the repository root: `npm ci --no-audit --no-fund`).
"""

import pytest

from tests.browser.helpers import violations_in_each_language
from tests.browser.scenes import SCENES, stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("scene", list(SCENES))
def test_learner_screen_has_no_serious_accessibility_problem(
    course, learner, auditor, browser_as, scene
):
    user, path = SCENES[scene](stage(course, learner, auditor))

    found = violations_in_each_language(lambda language: browser_as(user, path, language=language))

    assert found == {}, f"axe-core on {scene}"
