"""Allowances from an uploaded CSV file: read it, check every row, then save all or nothing.

The file: UTF-8 text (with or without a byte order mark), comma-separated, at most 1 MB and
5,000 rows, the first line naming the columns in any order:

    learner,exam,kind,value,reason,expires_at

* learner: username, or e-mail (case ignored)
* exam: the exam's id or its name (case ignored; the id wins when both match); empty for
  all timed exams of the course
* kind: additional_minutes | time_multiplier | review_exception
* value: whole minutes, a multiplier such as 1.5, or the text for the reviewers
* reason: optional; expires_at: optional ISO 8601 (a time without a zone is UTC)

`reason` and `expires_at` may be left out of the header. Blank lines are skipped. A problem
with the file as a whole raises a CsvFileRejected subclass; problems with rows are collected,
each with its line number and a stable code, so that one pass reports every one of them.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exams import integrations
from exams.allowances.batch import Problem, learners_resolve
from exams.allowances.inputs import AllowanceValue
from exams.allowances.services import allowance_grant, clean_expiry
from exams.exceptions import (
    CsvBadHeader,
    CsvEmpty,
    CsvMalformed,
    CsvNotUtf8,
    CsvRowsInvalid,
    CsvTooLarge,
    CsvTooManyRows,
    InvalidInput,
)
from exams.lifecycle.history import Actor
from exams.models import Allowance, AllowanceKind, Course, Exam
from exams.selectors.staff import exams_for_staff

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ("learner", "exam", "kind", "value", "reason", "expires_at")
REQUIRED_COLUMNS = ("learner", "exam", "kind", "value")


@dataclass(frozen=True)
class CsvLine:
    """One non-blank row as read: its first line number, its cells by column, what is off."""

    line: int
    cells: dict[str, str]
    missing: tuple[str, ...] = ()
    extra_cells: int = 0


def _header(cells: list[str]) -> tuple[str, ...]:
    names = tuple(cell.strip().lower() for cell in cells)
    expected = ",".join(COLUMNS)
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise CsvBadHeader(
            ngettext(
                "Line 1 must name the columns (%(expected)s); unknown column(s): %(names)s.",
                "Line 1 must name the columns (%(expected)s); unknown column(s): %(names)s.",
                len(unknown),
            )
            % {"expected": expected, "names": ", ".join(f"'{name}'" for name in unknown)},
            line=1,
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CsvBadHeader(
            _("Line 1 names a column twice: %(names)s.") % {"names": ", ".join(repeated)},
            line=1,
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise CsvBadHeader(
            ngettext(
                "Line 1 lacks the column(s) %(names)s (expected %(expected)s).",
                "Line 1 lacks the column(s) %(names)s (expected %(expected)s).",
                len(missing),
            )
            % {"names": ", ".join(missing), "expected": expected},
            line=1,
        )
    return names


def _check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise CsvTooLarge(
            ngettext(
                "The file has %(size)s bytes; the limit is 1 MB (%(limit)s bytes). "
                "Split it into several files.",
                "The file has %(size)s bytes; the limit is 1 MB (%(limit)s bytes). "
                "Split it into several files.",
                size,
            )
            % {"size": f"{size:,}", "limit": f"{MAX_BYTES:,}"},
            size=size,
            limit=MAX_BYTES,
        )


def upload_read(upload: Any) -> bytes:
    """The bytes of an uploaded file, refusing one over the limit before reading it all."""
    _check_size(int(getattr(upload, "size", 0) or 0))
    data = bytes(upload.read(MAX_BYTES + 1))
    _check_size(len(data))
    return data


def _decode(data: bytes) -> str:
    _check_size(len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvNotUtf8(
            _(
                "The file is not UTF-8 text (first bad byte on line %(line)d). "
                "Save it as 'CSV UTF-8' and upload it again."
            )
            % {"line": line},
            line=line,
        ) from None
    if "\x00" in text:  # PostgreSQL text cannot hold it; no name, exam or reason has one
        line = text[: text.index("\x00")].count("\n") + 1
        raise CsvMalformed(
            _(
                "Line %(line)d contains a NUL character: the file is not plain CSV text. "
                "Save it as 'CSV UTF-8' and upload it again."
            )
            % {"line": line},
            line=line,
        )
    if not text.strip():
        raise CsvEmpty(_("The file is empty."))
    return text


def csv_read(data: bytes) -> list[CsvLine]:
    """Decode and split the file into rows keyed by column. Pure: no database.

    Raises CsvTooLarge, CsvNotUtf8, CsvEmpty, CsvBadHeader, CsvMalformed, CsvTooManyRows.
    """
    reader = csv.reader(io.StringIO(_decode(data), newline=""), strict=True)
    rows: list[CsvLine] = []
    try:
        names = _header(next(reader))
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise CsvTooManyRows(
                    ngettext(
                        "The file has more than %(limit)s row; split it into several files.",
                        "The file has more than %(limit)s rows; split it into several files.",
                        MAX_ROWS,
                    )
                    % {"limit": f"{MAX_ROWS:,}"},
                    limit=MAX_ROWS,
                )
            rows.append(
                CsvLine(
                    line=line,
                    cells={name: cell.strip() for name, cell in zip(names, cells, strict=False)},
                    missing=names[len(cells) :],
                    extra_cells=max(0, len(cells) - len(names)),
                )
            )
    except csv.Error as error:
        raise CsvMalformed(
            _("Line %(line)d is not valid CSV: %(error)s.")
            % {"line": reader.line_num, "error": error},
            line=reader.line_num,
        ) from None
    if not rows:
        raise CsvEmpty(_("The file names the columns but has no rows."))
    return rows


@dataclass
class RowReport:
    """One row's cells as given, its problems, and what they resolved to."""

    line: int
    cells: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    learner: Any = None
    exam: Exam | None = None
    kind: str = ""
    value: AllowanceValue | None = None
    expires_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_data(self) -> dict[str, Any]:
        return {
            "line": self.line,
            **{name: self.cells.get(name, "") for name in COLUMNS},
            "ok": self.ok,
            "problems": [{"code": p.code, "message": p.message} for p in self.problems],
        }


@dataclass(frozen=True)
class CsvReport:
    rows: list[RowReport]

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def problem_rows(self) -> int:
        return sum(not row.ok for row in self.rows)

    def as_data(self) -> list[dict[str, Any]]:
        return [row.as_data() for row in self.rows]


class _Context:
    """What checking the rows needs from the database, fetched once for the whole file."""

    def __init__(self, course: Course, lines: list[CsvLine], now: datetime) -> None:
        self.course = course
        self.now = now
        self.learners = learners_resolve(line.cells.get("learner", "") for line in lines)
        exams = exams_for_staff(course=course)
        self.exams_by_id = {str(exam.pk): exam for exam in exams}
        self.exams_by_name: dict[str, list[Exam]] = {}
        for exam in exams:
            self.exams_by_name.setdefault(exam.name.strip().lower(), []).append(exam)
        user_ids = [u.pk for u in self.learners.values() if not isinstance(u, Problem)]
        self.existing = set(
            Allowance.objects.filter(course=course, learner_id__in=user_ids).values_list(
                "learner_id", "exam_id", "kind"
            )
        )
        self.enrolled = integrations.enrolled_ids(user_ids, course)
        self.seen: dict[tuple[int, int | None, str], int] = {}


def _check_learner(row: RowReport, ctx: _Context) -> None:
    if "learner" not in row.cells:
        return  # reported as a missing cell
    text = row.cells["learner"]
    if not text:
        row.problems.append(Problem("missing_value", _("The learner is empty.")))
        return
    user = ctx.learners[text]
    if isinstance(user, Problem):
        row.problems.append(user)
    elif user.pk not in ctx.enrolled:
        row.problems.append(
            Problem(
                "not_enrolled",
                _("'%(learner)s' is not enrolled in this course.") % {"learner": text},
            )
        )
    else:
        row.learner = user


def _check_exam(row: RowReport, ctx: _Context) -> bool:
    if "exam" not in row.cells:
        return False  # reported as a missing cell
    text = row.cells["exam"]
    if not text:
        return True  # all timed exams
    if text in ctx.exams_by_id:
        row.exam = ctx.exams_by_id[text]
        return True
    matches = ctx.exams_by_name.get(text.lower(), [])
    if len(matches) == 1:
        row.exam = matches[0]
        return True
    if matches:
        ids = ", ".join(str(exam.pk) for exam in matches)
        row.problems.append(
            Problem(
                "ambiguous_exam",
                _("Several exams are called '%(name)s'; use its id (%(ids)s).")
                % {"name": text, "ids": ids},
            )
        )
    else:
        row.problems.append(
            Problem(
                "unknown_exam",
                _("No special exam '%(exam)s' (name or id) in this course.") % {"exam": text},
            )
        )
    return False


def _check_kind_and_value(row: RowReport) -> None:
    if "kind" not in row.cells:
        return  # reported as a missing cell
    kind = row.cells["kind"].lower()
    if kind not in AllowanceKind.values:
        kinds = ", ".join(AllowanceKind.values)
        if kind:
            message = _("The kind is '%(kind)s'; use one of: %(kinds)s.") % {
                "kind": row.cells.get("kind", ""),
                "kinds": kinds,
            }
        else:
            message = _("The kind is empty; use one of: %(kinds)s.") % {"kinds": kinds}
        row.problems.append(Problem("unknown_kind", message))
        return
    row.kind = kind
    if "value" not in row.cells:
        return
    if not row.cells["value"]:
        row.problems.append(Problem("missing_value", _("The value is empty.")))
        return
    try:
        row.value = AllowanceValue.parse(kind, row.cells["value"])
    except InvalidInput as error:
        row.problems.append(Problem("invalid_value", error.message))


def _check_expiry(row: RowReport, now: datetime) -> None:
    text = row.cells.get("expires_at", "")
    if not text:
        return
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        row.problems.append(
            Problem(
                "invalid_date",
                _("'%(value)s' is not an ISO 8601 date and time, such as 2026-12-31T23:59:00Z.")
                % {"value": text},
            )
        )
        return
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    try:
        row.expires_at = clean_expiry(moment, now=now)
    except InvalidInput as error:
        row.problems.append(Problem("invalid_date", f"{text}: {error.message}"))


def _check_duplicate(row: RowReport, ctx: _Context, exam_ok: bool) -> None:
    if row.learner is None or not row.kind or not exam_ok:
        return
    key = (row.learner.pk, row.exam.pk if row.exam else None, row.kind)
    if key in ctx.seen:
        row.problems.append(
            Problem(
                "duplicate_in_file",
                _("Same learner, exam and kind as line %(line)d.") % {"line": ctx.seen[key]},
            )
        )
        return
    ctx.seen[key] = row.line
    if key in ctx.existing:
        values = {
            "learner": row.cells["learner"],
            "kind": str(AllowanceKind(row.kind).label).lower(),
        }
        if row.exam:
            message = _(
                "'%(learner)s' already has an allowance of this kind (%(kind)s) "
                "for '%(exam)s'; change or delete that one instead."
            ) % {**values, "exam": row.exam.name}
        else:
            message = (
                _(
                    "'%(learner)s' already has an allowance of this kind (%(kind)s) "
                    "for all timed exams; change or delete that one instead."
                )
                % values
            )
        row.problems.append(Problem("allowance_exists", message))


def _check_row(line: CsvLine, ctx: _Context) -> RowReport:
    row = RowReport(line=line.line, cells=line.cells)
    if line.missing:
        row.problems.append(
            Problem(
                "missing_column",
                ngettext(
                    "Missing cell(s) for: %(columns)s.",
                    "Missing cell(s) for: %(columns)s.",
                    len(line.missing),
                )
                % {"columns": ", ".join(line.missing)},
            )
        )
    if line.extra_cells:
        row.problems.append(
            Problem(
                "extra_column",
                ngettext(
                    "%(count)d cell(s) more than the header names.",
                    "%(count)d cell(s) more than the header names.",
                    line.extra_cells,
                )
                % {"count": line.extra_cells},
            )
        )
    _check_learner(row, ctx)
    exam_ok = _check_exam(row, ctx)
    _check_kind_and_value(row)
    _check_expiry(row, ctx.now)
    _check_duplicate(row, ctx, exam_ok)
    return row


def allowance_csv_check(*, course: Course, data: bytes, now: datetime | None = None) -> CsvReport:
    """Check every row of an allowances CSV for a course and report each row's problems.

    Saves nothing (the dry run). Raises a CsvFileRejected subclass when the file itself cannot
    be read. The database is read a fixed number of times, however many rows the file has.
    """
    now = now or timezone.now()
    lines = csv_read(data)
    ctx = _Context(course, lines, now)
    return CsvReport(rows=[_check_row(line, ctx) for line in lines])


@transaction.atomic
def allowance_csv_apply(
    *, course: Course, data: bytes, actor: Actor, now: datetime | None = None
) -> list[Allowance]:
    """Grant every row's allowance in one transaction, or none of them.

    Checks the whole file again first (the dry run may be stale): any problem raises
    CsvRowsInvalid with every row's report in `extra["rows"]`. Each grant is audited.
    """
    now = now or timezone.now()
    report = allowance_csv_check(course=course, data=data, now=now)
    if not report.ok:
        raise CsvRowsInvalid(
            ngettext(
                "%(problems)d of %(total)d rows have problems; "
                "nothing was saved. Fix them and upload the file again.",
                "%(problems)d of %(total)d rows have problems; "
                "nothing was saved. Fix them and upload the file again.",
                report.problem_rows,
            )
            % {"problems": report.problem_rows, "total": len(report.rows)},
            rows=report.as_data(),
            problem_rows=report.problem_rows,
            total_rows=len(report.rows),
        )
    granted = []
    for row in report.rows:
        assert row.value is not None  # the row is fine, so its value parsed
        granted.append(
            allowance_grant(
                course=course,
                learner=row.learner,
                exam=row.exam,
                value=row.value,
                reason=row.cells.get("reason", ""),
                expires_at=row.expires_at,
                granted_by=actor,
                now=now,
            )
        )
    return granted
