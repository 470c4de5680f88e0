"""Allowances from a CSV file: reading the file (pure), checking every row, saving all or none."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from exams.allowances.csv_upload import (
    MAX_BYTES,
    MAX_ROWS,
    allowance_csv_apply,
    allowance_csv_check,
    csv_read,
)
from exams.exceptions import (
    CsvBadHeader,
    CsvEmpty,
    CsvMalformed,
    CsvNotUtf8,
    CsvRowsInvalid,
    CsvTooLarge,
    CsvTooManyRows,
)
from exams.models import Allowance, AuditLogEntry, EnrollmentMode
from tests.factories import (
    AllowanceFactory,
    CourseFactory,
    EnrollmentFactory,
    ExamFactory,
    UserFactory,
)

HEADER = "learner,exam,kind,value,reason,expires_at\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode()


# Reading the file: no database.


def test_rows_are_read_by_column_name_with_their_line_numbers():
    data = csv_bytes(
        "ann,Final,additional_minutes,30,Extra time,",
        "",
        'bob,,review_exception,"Line one\nline two",,',
        "cy,2,time_multiplier,1.5,,2027-01-01",
    )

    rows = csv_read(data)

    assert [(row.line, row.cells["learner"], row.cells["value"]) for row in rows] == [
        (2, "ann", "30"),
        (4, "bob", "Line one\nline two"),
        (6, "cy", "1.5"),
    ]


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out():
    rows = csv_read(csv_bytes("30, ann , ADDITIONAL_MINUTES,", header="Value,Learner,kind,exam\n"))

    assert rows[0].cells == {
        "value": "30",
        "learner": "ann",
        "kind": "ADDITIONAL_MINUTES",
        "exam": "",
    }


def test_a_byte_order_mark_is_allowed():
    rows = csv_read(b"\xef\xbb\xbf" + csv_bytes("ann,,additional_minutes,30,,"))

    assert rows[0].cells["learner"] == "ann"


def test_windows_line_ends_are_read():
    rows = csv_read(HEADER.replace("\n", "\r\n").encode() + b"ann,,additional_minutes,30,,\r\n")

    assert rows[0].cells["learner"] == "ann"


def test_a_file_that_is_not_utf8_is_refused_with_the_line():
    data = csv_bytes("ann,,review_exception,ok,,").replace(b"ok", "café".encode("latin-1"))

    with pytest.raises(CsvNotUtf8) as error:
        csv_read(data)

    assert error.value.message == (
        "The file is not UTF-8 text (first bad byte on line 2). "
        "Save it as 'CSV UTF-8' and upload it again."
    )


def test_an_oversized_file_is_refused_before_it_is_read():
    data = csv_bytes() + b"x" * MAX_BYTES

    with pytest.raises(CsvTooLarge) as error:
        csv_read(data)

    assert error.value.code == "csv_too_large"
    assert error.value.extra == {"size": len(data), "limit": 1048576}


def test_too_many_rows_are_refused():
    data = csv_bytes(*(["ann,,additional_minutes,30,,"] * (MAX_ROWS + 1)))

    with pytest.raises(CsvTooManyRows) as error:
        csv_read(data)

    assert error.value.message == "The file has more than 5,000 rows; split it into several files."


def test_exactly_the_row_limit_is_accepted():
    assert len(csv_read(csv_bytes(*(["ann,,additional_minutes,30,,"] * MAX_ROWS)))) == MAX_ROWS


@pytest.mark.parametrize("data", [b"", b"  \n\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(CsvEmpty) as error:
        csv_read(data)

    assert error.value.message == "The file is empty."


def test_a_header_without_rows_is_refused():
    with pytest.raises(CsvEmpty) as error:
        csv_read(csv_bytes("", ""))

    assert error.value.message == "The file names the columns but has no rows."


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "ann,Final,additional_minutes,30\n",
            "Line 1 must name the columns (learner,exam,kind,value,reason,expires_at); unknown "
            "column(s): 'ann', 'final', 'additional_minutes', '30'.",
        ),
        (
            "learner,exam,kind\n",
            "Line 1 lacks the column(s) value (expected "
            "learner,exam,kind,value,reason,expires_at).",
        ),
        ("learner,exam,kind,value,kind\n", "Line 1 names a column twice: kind."),
    ],
)
def test_a_missing_or_wrong_header_is_refused(header, message):
    with pytest.raises(CsvBadHeader) as error:
        csv_read(csv_bytes("ann,,additional_minutes,30", header=header))

    assert error.value.message == message


def test_broken_quoting_is_refused_with_the_line():
    with pytest.raises(CsvMalformed) as error:
        csv_read(csv_bytes('ann,,review_exception,"a"b,,'))

    assert error.value.code == "csv_malformed"
    assert error.value.extra == {"line": 2}


def test_a_nul_character_in_a_cell_is_refused_with_the_line():
    with pytest.raises(CsvMalformed) as error:
        csv_read(csv_bytes("ann,,review_exception,a\x00b,,"))

    assert error.value.code == "csv_malformed"
    assert error.value.extra == {"line": 2}


# Checking rows against the course.


@pytest.fixture
def now():
    return datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def setup(course, learner, other_learner):
    """The course's exams and learners the rows refer to."""
    return {
        "final": ExamFactory(course=course, name="Final exam", proctored=True),
        "midterm": ExamFactory(course=course, name="Midterm"),
        "outsider": UserFactory(username="outsider", email="outsider@example.com"),
    }


def problems(report):
    return {row.line: [(p.code, p.message) for p in row.problems] for row in report.rows}


@pytest.mark.django_db
def test_good_rows_resolve_learners_exams_and_expiry(course, setup, now):
    final = setup["final"]
    report = allowance_csv_check(
        course=course,
        data=csv_bytes(
            "learner,final exam,additional_minutes,30,Disability services,",
            f"OTHER@example.com,{final.pk},review_exception,Needs a scribe.,,",
            "learner,,time_multiplier,1.5,,2027-01-01T12:00:00",
        ),
        now=now,
    )

    assert report.ok
    assert [(row.learner.username, row.exam, row.kind, row.expires_at) for row in report.rows] == [
        ("learner", final, "additional_minutes", None),
        ("other", final, "review_exception", None),
        ("learner", None, "time_multiplier", datetime(2027, 1, 1, 12, 0, tzinfo=UTC)),
    ]


@pytest.mark.django_db
def test_every_kind_of_bad_row_is_reported_with_its_line(course, setup, learner, now):
    EnrollmentFactory(user=UserFactory(username="dup1", email="same@example.com"), course=course)
    UserFactory(username="dup2", email="Same@example.com")
    ExamFactory(course=course, name="Quiz")
    ExamFactory(course=course, name="quiz")
    elsewhere = ExamFactory(course=CourseFactory(), name="Elsewhere")
    for name in "ABCDEFG":  # one exam per row below, so that no row repeats another
        ExamFactory(course=course, name=name)

    report = allowance_csv_check(
        course=course,
        data=csv_bytes(
            "nobody,,additional_minutes,30,,",
            "outsider,,additional_minutes,30,,",
            "same@example.com,,additional_minutes,30,,",
            "learner,History,additional_minutes,30,,",
            f"learner,{elsewhere.pk},additional_minutes,30,,",
            "learner,Quiz,additional_minutes,30,,",
            "learner,,extra_time,30,,",
            "learner,A,additional_minutes,thirty,,",
            "learner,B,time_multiplier,0.5,,",
            "learner,C,additional_minutes,,,",
            "learner,D,additional_minutes,30,,next week",
            "learner,E,additional_minutes,30,,2026-11-01T00:00:00Z",
            "learner,F,additional_minutes",
            "learner,G,additional_minutes,30,,,surplus",
            ",,additional_minutes,30,,",
        ),
        now=now,
    )

    assert not report.ok
    assert report.problem_rows == 15
    assert problems(report) == {
        2: [("unknown_learner", "No user with username or e-mail 'nobody'.")],
        3: [("not_enrolled", "'outsider' is not enrolled in this course.")],
        4: [
            (
                "ambiguous_learner",
                "Several users share the e-mail 'same@example.com'; use the username.",
            )
        ],
        5: [("unknown_exam", "No special exam 'History' (name or id) in this course.")],
        6: [("unknown_exam", f"No special exam '{elsewhere.pk}' (name or id) in this course.")],
        7: [("ambiguous_exam", problems_ambiguous_quiz(course))],
        8: [
            (
                "unknown_kind",
                "The kind is 'extra_time'; use one of: additional_minutes, time_multiplier, "
                "review_exception.",
            )
        ],
        9: [("invalid_value", "Additional minutes must be a whole number.")],
        10: [("invalid_value", "The time multiplier must be above 1 and at most 10.00.")],
        11: [("missing_value", "The value is empty.")],
        12: [
            (
                "invalid_date",
                "'next week' is not an ISO 8601 date and time, such as 2026-12-31T23:59:00Z.",
            )
        ],
        13: [("invalid_date", "2026-11-01T00:00:00Z: The expiry must be in the future.")],
        14: [("missing_column", "Missing cell(s) for: value, reason, expires_at.")],
        15: [("extra_column", "1 cell(s) more than the header names.")],
        16: [("missing_value", "The learner is empty.")],
    }


def problems_ambiguous_quiz(course):
    ids = ", ".join(
        str(pk)
        for pk in course.exams.filter(name__iexact="quiz")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return f"Several exams are called 'Quiz'; use its id ({ids})."


@pytest.mark.django_db
def test_a_row_can_have_several_problems(course, setup, now):
    report = allowance_csv_check(
        course=course, data=csv_bytes("nobody,History,extra,1,,soon"), now=now
    )

    assert [p.code for p in report.rows[0].problems] == [
        "unknown_learner",
        "unknown_exam",
        "unknown_kind",
        "invalid_date",
    ]


@pytest.mark.django_db
def test_duplicates_within_the_file_name_the_first_line(course, setup, now):
    report = allowance_csv_check(
        course=course,
        data=csv_bytes(
            "learner,Final exam,additional_minutes,30,,",
            "learner,Midterm,additional_minutes,30,,",
            "LEARNER@example.com,final exam,additional_minutes,45,,",
            "learner,Final exam,time_multiplier,1.5,,",
        ),
        now=now,
    )

    assert problems(report) == {
        2: [],
        3: [],
        4: [("duplicate_in_file", "Same learner, exam and kind as line 2.")],
        5: [],
    }


@pytest.mark.django_db
def test_an_allowance_that_already_exists_is_a_problem(course, setup, learner, now):
    AllowanceFactory(exam=setup["final"], learner=learner, minutes=10)
    AllowanceFactory(exam=None, course=course, learner=learner, minutes=10)

    report = allowance_csv_check(
        course=course,
        data=csv_bytes(
            "learner,Final exam,additional_minutes,30,,",
            "learner,,additional_minutes,30,,",
            "learner,Midterm,additional_minutes,30,,",
        ),
        now=now,
    )

    assert problems(report) == {
        2: [
            (
                "allowance_exists",
                "'learner' already has an allowance of this kind (additional minutes) "
                "for 'Final exam'; "
                "change or delete that one instead.",
            )
        ],
        3: [
            (
                "allowance_exists",
                "'learner' already has an allowance of this kind (additional minutes) "
                "for all timed exams; "
                "change or delete that one instead.",
            )
        ],
        4: [],
    }


@pytest.mark.django_db
def test_an_exam_id_wins_over_an_exam_named_like_it(course, setup, now):
    final = setup["final"]
    ExamFactory(course=course, name=str(final.pk))

    report = allowance_csv_check(
        course=course, data=csv_bytes(f"learner,{final.pk},additional_minutes,5,,"), now=now
    )

    assert report.rows[0].exam == final


@pytest.mark.django_db
def test_the_check_saves_nothing(course, setup, now):
    allowance_csv_check(course=course, data=csv_bytes("learner,,additional_minutes,30,,"), now=now)

    assert not Allowance.objects.exists()
    assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("learners", [3, 300])
def test_the_check_reads_the_database_as_often_for_any_number_of_rows(
    course, setup, now, learners, django_assert_num_queries
):
    names = [f"many{n:03d}" for n in range(learners)]
    for name in names[1:]:  # the first is not enrolled
        EnrollmentFactory(user=UserFactory(username=name), course=course)
    UserFactory(username=names[0])
    rows = [f"{name},Final exam,additional_minutes,30,," for name in names]

    # users by username, by e-mail (none here: no '@'), exams, allowances, enrollments
    with django_assert_num_queries(4):
        report = allowance_csv_check(course=course, data=csv_bytes(*rows), now=now)

    assert [row.line for row in report.rows if not row.ok] == [2]
    assert report.rows[0].problems[0].code == "not_enrolled"
    assert report.problem_rows == 1


@pytest.mark.django_db
def test_the_report_as_data_keeps_the_cells_as_given(course, setup, now):
    report = allowance_csv_check(
        course=course, data=csv_bytes("nobody,Midterm,additional_minutes,30,Why,"), now=now
    )

    assert report.as_data() == [
        {
            "line": 2,
            "learner": "nobody",
            "exam": "Midterm",
            "kind": "additional_minutes",
            "value": "30",
            "reason": "Why",
            "expires_at": "",
            "ok": False,
            "problems": [
                {
                    "code": "unknown_learner",
                    "message": "No user with username or e-mail 'nobody'.",
                }
            ],
        }
    ]


# Applying: all rows or none.


@pytest.mark.django_db
def test_apply_saves_every_row_audited(course, setup, learner, other_learner, instructor, now):
    created = allowance_csv_apply(
        course=course,
        data=csv_bytes(
            "learner,Final exam,additional_minutes,30,Disability services,",
            "other,,time_multiplier,1.5,,2027-01-01T00:00:00+01:00",
            "learner,Midterm,review_exception,Needs a scribe.,,",
        ),
        actor=instructor,
        now=now,
    )

    assert len(created) == 3
    rows = Allowance.objects.order_by("id").values_list(
        "learner__username",
        "exam__name",
        "kind",
        "minutes",
        "multiplier",
        "text",
        "reason",
        "expires_at",
        "granted_by__username",
    )
    assert list(rows) == [
        (
            "learner",
            "Final exam",
            "additional_minutes",
            30,
            None,
            "",
            "Disability services",
            None,
            "instructor",
        ),
        (
            "other",
            None,
            "time_multiplier",
            None,
            Decimal("1.50"),
            "",
            "",
            datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
            "instructor",
        ),
        (
            "learner",
            "Midterm",
            "review_exception",
            None,
            None,
            "Needs a scribe.",
            "",
            None,
            "instructor",
        ),
    ]
    assert AuditLogEntry.objects.filter(action="allowance_granted").count() == 3


@pytest.mark.django_db
def test_apply_with_one_bad_row_saves_nothing_and_reports_every_row(course, setup, instructor, now):
    data = csv_bytes(
        "learner,Final exam,additional_minutes,30,,",
        "nobody,,additional_minutes,30,,",
        "other,Midterm,additional_minutes,30,,",
    )

    with pytest.raises(CsvRowsInvalid) as error:
        allowance_csv_apply(course=course, data=data, actor=instructor, now=now)

    assert error.value.message == (
        "1 of 3 rows have problems; nothing was saved. Fix them and upload the file again."
    )
    assert [(row["line"], row["ok"]) for row in error.value.extra["rows"]] == [
        (2, True),
        (3, False),
        (4, True),
    ]
    assert not Allowance.objects.exists()
    assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
def test_an_audit_track_learner_gets_allowances_too(course, setup, auditor, instructor, now):
    assert auditor.exam_enrollments.get().mode == EnrollmentMode.AUDIT

    allowance_csv_apply(
        course=course,
        data=csv_bytes("auditor,Midterm,additional_minutes,30,,"),
        actor=instructor,
        now=now,
    )

    assert Allowance.objects.get().learner == auditor
