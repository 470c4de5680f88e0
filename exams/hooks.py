"""Extension points that apps above exams fill in at startup; exams never imports them.

`proctoring` registers what the exam page shows during setup (steps, the software's link, the
liveness channel), what support staff may read of its records, the hand review support staff
make from the attempt's admin page, and the inlines that page shows of its records. Without
it, pages show generic text and the attempt admin offers no hand review. `lti` registers a
remark per attempt for the dashboard (where its grade stands with the LMS).
"""

from collections.abc import Callable
from typing import Any

from exams.models import Attempt

_proctoring_ui: Callable[[Attempt], Any] | None = None
# (attempt_id, result, actor) -> None; raises a DomainError when the review cannot be settled.
_hand_review: Callable[..., None] | None = None
_attempt_inlines: list[type] = []
# attempt ids -> {attempt id: a short remark for the dashboard's row}; one query each.
_attempt_remarks: list[Callable[[list[int]], dict[int, str]]] = []
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


def register_hand_review(function: Callable[..., None]) -> None:
    global _hand_review
    _hand_review = function


def hand_review_available() -> bool:
    return _hand_review is not None


def hand_review(*, attempt_id: int, result: str, actor: Any) -> None:
    """Settle the attempt's review by hand (support staff): the registered app records it."""
    if _hand_review is None:
        raise LookupError("No app registered a hand review.")
    _hand_review(attempt_id=attempt_id, result=result, actor=actor)


def register_attempt_inline(inline: type) -> None:
    """Show an app's records on the attempt's admin page (an admin inline class)."""
    if inline not in _attempt_inlines:
        _attempt_inlines.append(inline)


def attempt_inlines() -> tuple[type, ...]:
    return tuple(_attempt_inlines)


def register_attempt_remarks(function: Callable[[list[int]], dict[int, str]]) -> None:
    """Add a remark to attempts' rows on the dashboard (for example their grade's sync)."""
    if function not in _attempt_remarks:
        _attempt_remarks.append(function)


def attempt_remarks(attempt_ids: list[int]) -> dict[int, list[str]]:
    """Every registered remark of these attempts, by attempt id."""
    remarks: dict[int, list[str]] = {}
    if not attempt_ids:
        return remarks
    for function in _attempt_remarks:
        for attempt_id, text in function(attempt_ids).items():
            remarks.setdefault(attempt_id, []).append(text)
    return remarks
