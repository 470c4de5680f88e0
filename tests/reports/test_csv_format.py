"""The results file's cells, pure: no database."""

import io
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from reports.csv_format import HEADER, file_name, format_row, neutralise, write_csv

ROW = (
    "ada@example.com",
    "ada",
    "Final",
    "ABC123",
    3600,
    False,
    datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    datetime(2026, 11, 2, 9, 45, 30, tzinfo=UTC),
    "second_review_required",
    "proctored",
    True,
    "suspicious",
    Decimal(7),
    Decimal(10),
)


def test_header_starts_with_the_documented_columns_in_order():
    assert HEADER[:8] == (
        "user_email",
        "exam_name",
        "attempt_code",
        "allowed_time_limit_mins",
        "is_sample_attempt",
        "started_at",
        "completed_at",
        "status",
    )


def test_row_is_written_as_documented():
    assert format_row(ROW) == [
        "ada@example.com",
        "Final",
        "ABC123",
        "60",
        "false",
        "2026-11-02T09:00:00+00:00",
        "2026-11-02T09:45:30+00:00",
        "second review required",
        "ada",
        "proctored",
        "true",
        "suspicious",
        "70.0",
    ]


def test_times_are_written_in_utc_with_offset():
    paris = timezone(timedelta(hours=1))
    row = (*ROW[:6], datetime(2026, 11, 2, 10, 0, tzinfo=paris), *ROW[7:])

    assert format_row(row)[5] == "2026-11-02T09:00:00+00:00"


def test_fractional_minutes_keep_two_decimals():
    row = (*ROW[:4], 5430, *ROW[5:])

    assert format_row(row)[3] == "90.50"


def test_missing_values_are_empty_cells():
    row = (
        "",
        "bob",
        "Practice",
        "X",
        None,
        True,
        None,
        None,
        "created",
        "practice",
        True,
        None,
        None,
        None,
    )

    assert format_row(row) == [
        "bob",
        "Practice",
        "X",
        "",
        "true",
        "",
        "",
        "created",
        "bob",
        "practice",
        "true",
        "",
        "",
    ]


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_exam_name_that_looks_like_a_formula_is_neutralised_in_the_row():
    row = (*ROW[:2], "=cmd|' /C calc'!A0", *ROW[3:])

    assert format_row(row)[1] == "'=cmd|' /C calc'!A0"


def test_write_csv_counts_rows_and_writes_header_first():
    out = io.StringIO()

    count = write_csv([ROW, ROW], out)

    lines = out.getvalue().split("\r\n")
    assert count == 2
    assert lines[0] == ",".join(HEADER)
    assert len([line for line in lines if line]) == 3


def test_file_name_follows_the_documented_pattern():
    at = datetime(2026, 11, 2, 9, 5, 7, tzinfo=UTC)

    assert file_name("course-v1:Demo+Exams+2026", at) == (
        "course-v1:Demo+Exams+2026_proctored_exam_results_report_2026-11-02-090507.csv"
    )


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-11-01 09:00:00+00", "2026-11-01T09:00:00+00:00"),
        ("2026-11-01 09:00:00.5+00", "2026-11-01T09:00:00.500000+00:00"),
        ("2026-11-01 09:00:00.123456+00", "2026-11-01T09:00:00.123456+00:00"),
        ("2026-11-01 09:00:00", "2026-11-01T09:00:00+00:00"),
        ("2026-11-01 09:00:00.250000", "2026-11-01T09:00:00.250000+00:00"),
        ("2026-11-01 10:00:00+01:00", "2026-11-01T09:00:00+00:00"),
        ("", ""),
    ],
)
def test_database_time_text_is_written_as_iso_utc(text, iso):
    row = (*ROW[:6], text, *ROW[7:])

    assert format_row(row)[5] == iso
