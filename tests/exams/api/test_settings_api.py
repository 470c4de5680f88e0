"""Course and exam settings through the API: who may read and change them, HH:MM, and the
refusals (proctoring disabled, exam with attempts, active proctored exams)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from exams.models import AuditLogEntry, Course, Exam, ExamType
from tests.factories import AttemptFactory, ExamFactory

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "learner", "other_instructor", "instructor", "support"]
# Reading: course staff and support staff. Changing: course staff, and Django staff whose
# permissions include changing courses and exams (the support group's do not: exams.policy).
ALLOWED = {"instructor", "support"}
MAY_CHANGE = {"instructor"}


def client_for(request, api, as_user, actor):
    if actor == "anonymous":
        return api
    return as_user(request.getfixturevalue(actor))


def assert_denied(response, actor):
    if actor == "anonymous":
        assert (response.status_code, response.json()["code"]) == (403, "not_authenticated")
    else:
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


def course_url(course):
    return f"/api/v1/courses/{course.course_id}/settings/"


def exam_url(exam):
    return f"/api/v1/exams/{exam.pk}/settings/"


@pytest.fixture
def exam(course):
    return ExamFactory(
        course=course,
        name="Midterm",
        time_limit_minutes=90,
        due_at=datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
        review_rules="Calculator allowed.",
        passing_percent=Decimal("60.00"),
    )


@pytest.mark.parametrize("actor", ACTORS)
def test_course_settings_read_is_for_course_staff_and_support(
    request, api, as_user, course, learner, actor
):
    response = client_for(request, api, as_user, actor).get(course_url(course))

    if actor in ALLOWED:
        assert response.status_code == 200
        assert response.json() == {
            "course_id": "course-v1:Test+Exams+2026",
            "name": course.name,
            "proctored_exams_enabled": True,
            "allow_opting_out": True,
            "proctoring_provider": "null",
            "proctoring_providers": ["null", "simulated"],
        }
    else:
        assert_denied(response, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_course_settings_change_is_for_course_staff_and_who_may_change_courses(
    request, api, as_user, course, learner, actor
):
    response = client_for(request, api, as_user, actor).patch(
        course_url(course),
        {"allow_opting_out": False, "proctoring_provider": "simulated"},
        format="json",
    )

    course.refresh_from_db()
    if actor in MAY_CHANGE:
        assert response.status_code == 200
        assert (course.allow_opting_out, course.proctoring_provider) == (False, "simulated")
        assert AuditLogEntry.objects.get().action == "course_settings_changed"
    else:
        assert_denied(response, actor)
        assert (course.allow_opting_out, course.proctoring_provider) == (True, "null")
        assert not AuditLogEntry.objects.exists()


def test_unknown_provider_is_refused(as_user, course, instructor):
    response = as_user(instructor).patch(
        course_url(course), {"proctoring_provider": "acme"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_input",
        "message": "Unknown proctoring provider 'acme'. Choose one of: null, simulated.",
        "extra": {"field": "proctoring_provider"},
    }
    assert Course.objects.get(pk=course.pk).proctoring_provider == "null"


def test_disabling_proctoring_with_active_proctored_exams_is_refused_listing_them(
    as_user, course, instructor
):
    final = ExamFactory(course=course, name="Final", proctored=True)
    practice = ExamFactory(course=course, name="Practice", practice=True)
    ExamFactory(course=course, name="Old final", proctored=True, is_active=False)

    response = as_user(instructor).patch(
        course_url(course), {"proctored_exams_enabled": False}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "proctored_exams_active"
    assert body["message"] == (
        "These proctored or practice exams are still active: 'Final', 'Practice'. "
        "Make them timed exams or deactivate them first."
    )
    assert body["extra"]["exams"] == [
        {"id": final.pk, "name": "Final", "exam_type": "proctored"},
        {"id": practice.pk, "name": "Practice", "exam_type": "practice"},
    ]
    assert Course.objects.get(pk=course.pk).proctored_exams_enabled is True


@pytest.mark.parametrize("actor", ACTORS)
def test_exam_settings_read_is_for_course_staff_and_support(
    request, api, as_user, exam, learner, actor
):
    response = client_for(request, api, as_user, actor).get(exam_url(exam))

    if actor in ALLOWED:
        assert response.status_code == 200
        assert response.json() == {
            "id": exam.pk,
            "course_id": "course-v1:Test+Exams+2026",
            "name": "Midterm",
            "exam_type": "timed",
            "time_allotted": "01:30",
            "review_rules": "Calculator allowed.",
            "due_at": "2026-12-01T17:00:00Z",
            "passing_percent": "60.00",
            "is_graded": True,
            "is_active": True,
        }
    else:
        assert_denied(response, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_exam_settings_change_is_for_course_staff_and_who_may_change_exams(
    request, api, as_user, exam, learner, actor
):
    response = client_for(request, api, as_user, actor).patch(
        exam_url(exam), {"time_allotted": "02:00", "passing_percent": "75"}, format="json"
    )

    exam.refresh_from_db()
    if actor in MAY_CHANGE:
        assert response.status_code == 200
        assert response.json()["time_allotted"] == "02:00"
        assert (exam.time_limit_minutes, exam.passing_percent) == (120, Decimal("75.00"))
    else:
        assert_denied(response, actor)
        assert (exam.time_limit_minutes, exam.passing_percent) == (90, Decimal("60.00"))
        assert not AuditLogEntry.objects.exists()


def test_exam_settings_of_a_missing_exam_look_like_a_forbidden_one(as_user, other_instructor, exam):
    missing = as_user(other_instructor).get("/api/v1/exams/999999/settings/")
    forbidden = as_user(other_instructor).get(exam_url(exam))

    assert (missing.status_code, missing.json()) == (forbidden.status_code, forbidden.json())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1:5", "Write the minutes with two digits, for example 01:05."),
        ("25:61", "Minutes must be between 00 and 59."),
        ("-01:00", "Enter the time as HH:MM, for example 01:30."),
        ("00:00", "The time allotted must be at least one minute."),
        ("24:01", "The time allotted cannot be longer than 24:00."),
        ("90", "Enter the time as HH:MM, for example 01:30."),
        ("", "Timed, proctored and practice exams need a Time Allotted (HH:MM)."),
        (None, "Timed, proctored and practice exams need a Time Allotted (HH:MM)."),
    ],
)
def test_bad_time_allotted_is_refused_with_the_reason(as_user, instructor, exam, value, message):
    response = as_user(instructor).patch(exam_url(exam), {"time_allotted": value}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_input",
        "message": message,
        "extra": {"field": "time_allotted"},
    }
    assert Exam.objects.get(pk=exam.pk).time_limit_minutes == 90


@pytest.mark.parametrize(("value", "minutes"), [("00:01", 1), ("1:05", 65), ("24:00", 1440)])
def test_good_time_allotted_is_saved_in_minutes(as_user, instructor, exam, value, minutes):
    response = as_user(instructor).patch(exam_url(exam), {"time_allotted": value}, format="json")

    assert response.status_code == 200
    assert Exam.objects.get(pk=exam.pk).time_limit_minutes == minutes


@pytest.mark.parametrize("exam_type", ["proctored", "practice"])
def test_proctored_types_are_refused_while_the_course_has_proctoring_disabled(
    as_user, course, instructor, exam, exam_type
):
    Course.objects.filter(pk=course.pk).update(proctored_exams_enabled=False)

    response = as_user(instructor).patch(exam_url(exam), {"exam_type": exam_type}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "proctoring_disabled"
    assert response.json()["message"] == (
        "Proctored and practice exams are not enabled for this course. Turn on "
        "Enable Proctored Exams in the course settings first."
    )
    assert Exam.objects.get(pk=exam.pk).exam_type == ExamType.TIMED


def test_exam_type_cannot_change_once_the_exam_has_attempts(as_user, learner, instructor, exam):
    AttemptFactory(exam=exam, learner=learner)

    response = as_user(instructor).patch(exam_url(exam), {"exam_type": "proctored"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "exam_has_attempts"
    assert response.json()["extra"] == {"attempts": 1}
    assert Exam.objects.get(pk=exam.pk).exam_type == ExamType.TIMED


def test_other_settings_of_an_exam_with_attempts_still_change(as_user, learner, instructor, exam):
    AttemptFactory(exam=exam, learner=learner)

    response = as_user(instructor).patch(
        exam_url(exam),
        {"exam_type": "timed", "review_rules": "Open book.", "due_at": None},
        format="json",
    )

    assert response.status_code == 200
    exam.refresh_from_db()
    assert (exam.review_rules, exam.due_at) == ("Open book.", None)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("101", "The passing score must be between 0 and 100."),
        ("-1", "The passing score must be between 0 and 100."),
        ("abc", "The passing score must be a number."),
        ("50.555", "Use at most two decimals for the passing score."),
    ],
)
def test_bad_passing_score_is_refused(as_user, instructor, exam, value, message):
    response = as_user(instructor).patch(exam_url(exam), {"passing_percent": value}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == message
    assert Exam.objects.get(pk=exam.pk).passing_percent == Decimal("60.00")


def test_unknown_exam_type_is_refused(as_user, instructor, exam):
    response = as_user(instructor).patch(exam_url(exam), {"exam_type": "oral"}, format="json")

    assert response.status_code == 400
    assert response.json()["extra"] == {"field": "exam_type"}
