"""Extension points that apps above exams fill in at startup; exams never imports them.

`proctoring` registers what the exam page shows during setup (steps, the software's link, the
liveness channel), and what support staff may read of its records. Without it, pages show
generic text.
"""

from collections.abc import Callable
from typing import Any

from exams.models import Attempt

_proctoring_ui: Callable[[Attempt], Any] | None = None
# app label -> model name -> the actions support staff may take on it (see exams.support).
_support_permissions: dict[str, dict[str, tuple[str, ...]]] = {}


def register_proctoring_ui(function: Callable[[Attempt], Any]) -> None:
    global _proctoring_ui
    _proctoring_ui = function


def proctoring_ui(attempt: Attempt) -> Any:
    """What the provider wants the learner's page to show for this attempt, or None."""
    return _proctoring_ui(attempt) if _proctoring_ui is not None else None


def register_support_permissions(app_label: str, permissions: dict[str, tuple[str, ...]]) -> None:
    """Give the support group these model permissions of another app (`setup_roles`)."""
    _support_permissions[app_label] = dict(permissions)


def support_permissions() -> dict[str, dict[str, tuple[str, ...]]]:
    """The other apps' model permissions for the support group, by app label."""
    return dict(_support_permissions)
