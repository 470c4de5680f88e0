"""axe-core finds no serious or critical problem on any learner screen.

axe-core comes from npm (package.json at the repository root: `npm ci --no-audit --no-fund`).
"""

import pytest

from tests.browser.helpers import assert_accessible, settle
from tests.browser.scenes import SCENES, stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("scene", list(SCENES))
def test_learner_screen_has_no_serious_accessibility_problem(
    course, learner, auditor, browser_as, scene
):
    user, path = SCENES[scene](stage(course, learner, auditor))
    page = browser_as(user, path)
    settle(page)

    assert_accessible(page, scene)
