"""The settings services: what they change, what they refuse, and what they record."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from exams.course_settings.inputs import CourseSettingsChange, ExamSettingsChange
from exams.course_settings.services import course_settings_update, exam_settings_update
from exams.exceptions import (
    ExamHasAttempts,
    InvalidInput,
    NotFound,
    ProctoredExamsActive,
    ProctoringDisabled,
    ProviderInUse,
)
from exams.models import AuditLogEntry, Course, Exam, ExamType
from exams.statuses import AttemptStatus as S
from tests.factories import AttemptFactory, ExamFactory

pytestmark = pytest.mark.django_db


def test_course_change_is_audited_with_before_and_after(course, instructor, now):
    course_settings_update(
        course_id=course.pk,
        change=CourseSettingsChange.parse(
            {"allow_opting_out": False, "proctoring_provider": "simulated"}
        ),
        actor=instructor,
        now=now,
    )

    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.at, entry.course) == (
        "course_settings_changed",
        instructor,
        now,
        course,
    )
    assert entry.details == {
        "before": {"allow_opting_out": True, "proctoring_provider": "null"},
        "after": {"allow_opting_out": False, "proctoring_provider": "simulated"},
    }
    assert entry.summary == (
        "Changed the settings of course-v1:Test+Exams+2026: allow_opting_out True -> False; "
        "proctoring_provider null -> simulated"
    )


def test_course_change_to_the_same_values_writes_nothing(course, instructor, now):
    course_settings_update(
        course_id=course.pk,
        change=CourseSettingsChange.parse(
            {"proctored_exams_enabled": True, "allow_opting_out": True}
        ),
        actor=instructor,
        now=now,
    )

    assert not AuditLogEntry.objects.exists()


def test_course_keeps_a_provider_no_longer_configured_until_it_changes(course, instructor, now):
    Course.objects.filter(pk=course.pk).update(proctoring_provider="rest")

    course_settings_update(
        course_id=course.pk,
        change=CourseSettingsChange.parse(
            {"proctoring_provider": "rest", "allow_opting_out": False}
        ),
        actor=instructor,
        now=now,
    )

    course.refresh_from_db()
    assert (course.proctoring_provider, course.allow_opting_out) == ("rest", False)


def test_disabling_proctoring_is_allowed_once_proctored_exams_are_inactive(course, instructor, now):
    ExamFactory(course=course, proctored=True, is_active=False)
    ExamFactory(course=course)

    course_settings_update(
        course_id=course.pk,
        change=CourseSettingsChange.parse({"proctored_exams_enabled": False}),
        actor=instructor,
        now=now,
    )

    assert Course.objects.get(pk=course.pk).proctored_exams_enabled is False


def test_disabling_proctoring_with_an_active_practice_exam_is_refused(course, instructor, now):
    ExamFactory(course=course, practice=True, name="Try it")

    with pytest.raises(ProctoredExamsActive):
        course_settings_update(
            course_id=course.pk,
            change=CourseSettingsChange.parse({"proctored_exams_enabled": False}),
            actor=instructor,
            now=now,
        )

    assert Course.objects.get(pk=course.pk).proctored_exams_enabled is True


@pytest.mark.parametrize(
    ("status", "refused"),
    [
        (S.STARTED, True),
        (S.DOWNLOAD_SOFTWARE_CLICKED, True),
        (S.ERROR, True),
        (S.SUBMITTED, False),
        (S.VERIFIED, False),
    ],
)
def test_provider_change_waits_for_unfinished_proctored_attempts(
    course, learner, instructor, now, status, refused
):
    AttemptFactory(exam=ExamFactory(course=course, proctored=True), learner=learner, status=status)

    def change():
        course_settings_update(
            course_id=course.pk,
            change=CourseSettingsChange.parse({"proctoring_provider": "simulated"}),
            actor=instructor,
            now=now,
        )

    if refused:
        with pytest.raises(ProviderInUse) as error:
            change()
        assert error.value.extra == {"attempts": 1}
        assert Course.objects.get(pk=course.pk).proctoring_provider == "null"
    else:
        change()
        assert Course.objects.get(pk=course.pk).proctoring_provider == "simulated"


def test_course_settings_refuse_non_booleans_and_unknown_names(course, instructor, now):
    with pytest.raises(InvalidInput) as not_bool:
        course_settings_update(
            course_id=course.pk,
            change=CourseSettingsChange.parse({"allow_opting_out": "no"}),
            actor=instructor,
            now=now,
        )
    with pytest.raises(InvalidInput) as unknown:
        course_settings_update(
            course_id=course.pk,
            change=CourseSettingsChange.parse({"name": "X"}),
            actor=instructor,
            now=now,
        )

    assert not_bool.value.extra == {"field": "allow_opting_out"}
    assert unknown.value.extra == {"fields": ["name"]}


def test_exam_change_is_audited_with_readable_values(course, instructor, now):
    exam = ExamFactory(course=course, name="Midterm", time_limit_minutes=60)
    due = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)

    exam_settings_update(
        exam_id=exam.pk,
        change=ExamSettingsChange.parse(
            {"time_allotted": "01:30", "due_at": due, "passing_percent": "70"}
        ),
        actor=instructor,
        now=now,
    )

    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.target) == ("exam_settings_changed", f"exam {exam.pk}")
    assert entry.details == {
        "before": {"time_limit_minutes": 60, "due_at": None, "passing_percent": "50.00"},
        "after": {
            "time_limit_minutes": 90,
            "due_at": "2026-12-01T17:00:00+00:00",
            "passing_percent": "70.00",
        },
    }
    assert entry.summary == (
        "Changed the settings of exam 'Midterm': time_limit_minutes 01:00 -> 01:30; "
        "due_at none -> 2026-12-01 17:00:00+00:00; passing_percent 50.00 -> 70.00"
    )


def test_exam_change_to_the_same_values_writes_nothing(course, instructor, now):
    exam = ExamFactory(course=course, time_limit_minutes=60)

    exam_settings_update(
        exam_id=exam.pk,
        change=ExamSettingsChange.parse(
            {"exam_type": "timed", "time_allotted": "01:00", "passing_percent": "50"}
        ),
        actor=instructor,
        now=now,
    )

    assert not AuditLogEntry.objects.exists()


def test_reactivating_a_proctored_exam_is_refused_while_proctoring_is_disabled(
    course, instructor, now
):
    exam = ExamFactory(course=course, proctored=True, is_active=False)
    Course.objects.filter(pk=course.pk).update(proctored_exams_enabled=False)

    with pytest.raises(ProctoringDisabled):
        exam_settings_update(
            exam_id=exam.pk,
            change=ExamSettingsChange.parse({"is_active": True}),
            actor=instructor,
            now=now,
        )

    assert Exam.objects.get(pk=exam.pk).is_active is False


def test_a_proctored_exam_left_over_while_disabled_can_still_be_edited(course, instructor, now):
    exam = ExamFactory(course=course, proctored=True)
    Course.objects.filter(pk=course.pk).update(proctored_exams_enabled=False)

    exam_settings_update(
        exam_id=exam.pk,
        change=ExamSettingsChange.parse({"review_rules": "No notes."}),
        actor=instructor,
        now=now,
    )

    assert Exam.objects.get(pk=exam.pk).review_rules == "No notes."


def test_exam_type_change_with_a_practice_attempt_is_refused(course, learner, instructor, now):
    exam = ExamFactory(course=course, practice=True)
    AttemptFactory(exam=exam, learner=learner, status=S.COMPLETED)

    with pytest.raises(ExamHasAttempts):
        exam_settings_update(
            exam_id=exam.pk,
            change=ExamSettingsChange.parse({"exam_type": "timed"}),
            actor=instructor,
            now=now,
        )


def test_an_exam_can_stop_being_special_and_lose_its_time(course, instructor, now):
    exam = ExamFactory(course=course, time_limit_minutes=60)

    exam_settings_update(
        exam_id=exam.pk,
        change=ExamSettingsChange.parse({"exam_type": "none", "time_allotted": ""}),
        actor=instructor,
        now=now,
    )

    exam.refresh_from_db()
    assert (exam.exam_type, exam.time_limit_minutes) == (ExamType.NONE, None)


def test_a_special_exam_needs_a_time_allotted(course, instructor, now):
    exam = ExamFactory(course=course, exam_type=ExamType.NONE, time_limit_minutes=None)

    with pytest.raises(InvalidInput) as error:
        exam_settings_update(
            exam_id=exam.pk,
            change=ExamSettingsChange.parse({"exam_type": "timed"}),
            actor=instructor,
            now=now,
        )

    assert error.value.extra == {"field": "time_allotted"}
    assert Exam.objects.get(pk=exam.pk).exam_type == ExamType.NONE


def test_a_naive_due_date_is_refused(course, instructor, now):
    exam = ExamFactory(course=course)

    with pytest.raises(InvalidInput) as error:
        exam_settings_update(
            exam_id=exam.pk,
            change=ExamSettingsChange.parse({"due_at": datetime(2026, 12, 1, 17, 0)}),
            actor=instructor,
            now=now,
        )

    assert error.value.extra == {"field": "due_at"}


def test_a_missing_exam_is_not_found(instructor, now):
    with pytest.raises(NotFound):
        exam_settings_update(
            exam_id=999999, change=ExamSettingsChange.parse({}), actor=instructor, now=now
        )


def test_passing_score_is_stored_with_two_decimals(course, instructor, now):
    exam = ExamFactory(course=course)

    exam_settings_update(
        exam_id=exam.pk,
        change=ExamSettingsChange.parse({"passing_percent": 62.5}),
        actor=instructor,
        now=now,
    )

    assert Exam.objects.get(pk=exam.pk).passing_percent == Decimal("62.50")
