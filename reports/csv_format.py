"""The proctored exam results file: its columns, and how each value is written. Pure: no
database.

The first eight columns are the ones course teams know from the documentation, in that order;
the rest follow. Times are UTC, ISO 8601 with offset. Statuses are written as words separated
by spaces. Cells a spreadsheet would run as a formula are neutralised.
"""

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from exams.statuses import csv_label

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
ZERO = timedelta(0)


def neutralise(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _time(value: datetime | str | None) -> str:
    """A time as ISO 8601 in UTC with offset. The selector reads times as the database's text
    (parsing them into datetimes cost more than the rest of the job): PostgreSQL writes
    `2026-11-01 09:00:00.5+00`, SQLite `2026-11-01 09:00:00.500000` (stored in UTC)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return (value if value.utcoffset() == ZERO else value.astimezone(UTC)).isoformat()
    text = value.replace(" ", "T", 1)
    if text.endswith("+00"):
        text = text[:-3]
    elif len(text) > 19 and text[-6] in "+-" and not text.endswith("+00:00"):
        return datetime.fromisoformat(text).astimezone(UTC).isoformat()  # another zone
    elif text.endswith("+00:00"):
        text = text[:-6]
    if "." in text:
        whole, fraction = text.split(".", 1)
        text = f"{whole}.{fraction.ljust(6, '0')}" if fraction.strip("0") else whole
    return text + "+00:00"


def _minutes(seconds: int | None) -> str:
    if seconds is None:
        return ""
    whole, rest = divmod(seconds, 60)
    if rest == 0:
        return str(whole)
    return str((Decimal(seconds) / 60).quantize(Decimal("0.01")))


def _percent(earned: Decimal | None, possible: Decimal | None) -> str:
    if earned is None or not possible:
        return ""
    return str((earned * 100 / possible).quantize(Decimal("0.1")))


def format_row(row: tuple[Any, ...]) -> list[str]:
    """One attempt row (as the selector yields it) as the file's cells.

    Only the cells people typed (names, e-mails, the reviewer's verdict) can start like a
    formula; the others are numbers, times and fixed words, written as they are.
    """
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
    return [
        neutralise(email or username),
        neutralise(exam_name),
        code,
        _minutes(allowed_seconds),
        "true" if is_sample else "false",
        _time(started),
        _time(completed),
        csv_label(status),
        neutralise(username),
        exam_type,
        "true" if as_proctored else "false",
        neutralise(verdict or ""),
        _percent(earned, possible),
    ]


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
