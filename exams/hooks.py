"""Extension points that apps above exams fill in at startup; exams never imports them.

`proctoring` registers what the exam page shows during setup (steps, the software's link, the
liveness channel). Without it, pages show generic text.
"""

from collections.abc import Callable
from typing import Any

from exams.models import Attempt

_proctoring_ui: Callable[[Attempt], Any] | None = None


def register_proctoring_ui(function: Callable[[Attempt], Any]) -> None:
    global _proctoring_ui
    _proctoring_ui = function


def proctoring_ui(attempt: Attempt) -> Any:
    """What the provider wants the learner's page to show for this attempt, or None."""
    return _proctoring_ui(attempt) if _proctoring_ui is not None else None
