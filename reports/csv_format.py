"""The proctored exam results file: its columns, and how each value is written. Pure: no
database.

The first eight columns are the ones course teams know from the documentation, in that order;
the rest follow. Times are UTC, ISO 8601 with offset. Statuses are written as words separated
by spaces. Cells a spreadsheet would run as a formula are neutralised.
"""

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from exams.state_machine import csv_label

HEADER = (
    "user_email",
    "exam_name",
    "attempt_code",
    "allowed_time_limit_mins",
    "is_sample_attempt",
    "started_at",
    "completed_at",
    "status",
    # extra columns
    "username",
    "exam_type",
    "taking_as_proctored",
    "review_verdict",
    "score_percent",
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _time(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat() if value is not None else ""


def _minutes(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes = Decimal(seconds) / 60
    return str(
        minutes.quantize(Decimal(1))
        if minutes == minutes.to_integral()
        else minutes.quantize(Decimal("0.01"))
    )


def _percent(earned: Decimal | None, possible: Decimal | None) -> str:
    if earned is None or not possible:
        return ""
    return str((earned * 100 / possible).quantize(Decimal("0.1")))


def format_row(row: tuple[Any, ...]) -> list[str]:
    """One attempt row (as the selector yields it) as the file's cells."""
    (
        email,
        username,
        exam_name,
        code,
        allowed_seconds,
        is_sample,
        started,
        completed,
        status,
        exam_type,
        as_proctored,
        verdict,
        earned,
        possible,
    ) = row
    cells = [
        email or username,
        exam_name,
        code,
        _minutes(allowed_seconds),
        "true" if is_sample else "false",
        _time(started),
        _time(completed),
        csv_label(status),
        username,
        exam_type,
        "true" if as_proctored else "false",
        verdict or "",
        _percent(earned, possible),
    ]
    return [neutralise(str(cell)) for cell in cells]


def write_csv(rows: Iterable[tuple[Any, ...]], out: io.TextIOBase) -> int:
    """Write the header and every row to `out`; return the number of rows written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    count = 0
    for row in rows:
        writer.writerow(format_row(row))
        count += 1
    return count


def file_name(course_id: str, at: datetime) -> str:
    """{course_id}_proctored_exam_results_report_{datetime}.csv, as the documentation says."""
    return f"{course_id}_proctored_exam_results_report_{at.astimezone(UTC):%Y-%m-%d-%H%M%S}.csv"
