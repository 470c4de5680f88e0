"""The learner's attempt, declared once: what the API answers (`AttemptSummary`, from which
the JSON, the OpenAPI component and the columns the hand-written read takes all come).

Each field says what it is built from: `columns`, the attempt's columns it needs (the poll's
read takes exactly these, `learner_id` and the exam's id included, nothing more); `places`,
the digits and decimal places a number is written with; `description`, the schema's text.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _


def out(*columns: str, digits: int = 0, places: int = 0, description: Any = "") -> dict[str, Any]:
    """A field's metadata: the columns it is built from, how it is written, its description."""
    return {"columns": columns, "digits": digits, "places": places, "description": description}


@dataclass(frozen=True)
class AttemptSummary:
    id: int = field(metadata=out("id"))
    exam_id: int = field(metadata=out("exam_id"))
    status: str = field(metadata=out("status"))
    status_label: str = field(metadata=out("status"))
    attempt_code: str = field(metadata=out("attempt_code"))
    taking_as_proctored: bool = field(metadata=out("taking_as_proctored"))
    is_sample_attempt: bool = field(metadata=out("is_sample_attempt"))
    is_timed: bool = field(metadata=out("taking_as_proctored"))
    started_at: datetime | None = field(metadata=out("started_at"))
    deadline_at: datetime | None = field(metadata=out("deadline_at"))
    completed_at: datetime | None = field(metadata=out("completed_at"))
    server_time: datetime = field(metadata=out())
    time_remaining_seconds: int | None = field(metadata=out("status", "deadline_at"))
    allowed_seconds: int | None = field(metadata=out("allowed_seconds"))
    allowed_minutes: Decimal | None = field(metadata=out("allowed_seconds", digits=8, places=2))
    warning_seconds: tuple[int, int] | None = field(
        # xgettext:no-python-format
        metadata=out("allowed_seconds", description=_("[20% left, 5% left]"))
    )
    cut_by_due_date: bool = field(metadata=out("cut_by_due_date"))
    paused_remaining_seconds: int | None = field(metadata=out("paused_remaining_seconds"))
    review_result: str | None = field(
        metadata=out("status", "taking_as_proctored", "is_sample_attempt")
    )
    score_percent: Decimal | None = field(
        metadata=out("points_earned", "points_possible", "graded_at", digits=5, places=1)
    )
    passed: bool | None = field(metadata=out("points_earned", "points_possible", "graded_at"))


FIELDS = dataclasses.fields(AttemptSummary)

# The attempt's columns the learner's views read: those the fields need, and whose attempt it
# is (the poll checks the session's user against `learner_id`).
ATTEMPT_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(
        ["id", "exam_id", "learner_id"]
        + [column for field in FIELDS for column in field.metadata["columns"]]
    )
)
