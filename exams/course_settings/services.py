"""Changing course and exam settings.

Both services lock the course row first (an exam update locks the course, then the exam), so
"disable proctoring" and "make this exam proctored" cannot both succeed at once. Each takes a
typed change (exams.course_settings.inputs), checks it against what is stored, and changes
nothing when any part is refused. A call that changes nothing writes nothing; every real
change writes one audit entry with the values before and after.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exams import timing
from exams.course_settings.inputs import CourseSettingsChange, ExamSettingsChange
from exams.exceptions import (
    ExamHasAttempts,
    InvalidInput,
    NotFound,
    ProctoredExamsActive,
    ProctoringDisabled,
    ProviderInUse,
)
from exams.lifecycle.history import Actor
from exams.models import Attempt, AuditAction, Course, Exam, ExamType
from exams.models.exams import PROCTORED_TYPES
from exams.services.audit import audit
from exams.statuses import LIVE, AttemptStatus

# A proctored attempt in one of these still talks to the course's provider.
UNFINISHED = LIVE | {AttemptStatus.ERROR}


def _check_provider_configured(name: str) -> None:
    if name not in settings.PROCTORING_PROVIDERS:
        choices = ", ".join(sorted(settings.PROCTORING_PROVIDERS))
        raise InvalidInput(
            _("Unknown proctoring provider '%(name)s'. Choose one of: %(choices)s.")
            % {"name": name, "choices": choices},
            field="proctoring_provider",
        )


def _course_locked(course_id: int) -> Course:
    course = Course.objects.select_for_update().filter(pk=course_id).first()
    if course is None:
        raise NotFound(_("No such course."))
    return course


@transaction.atomic
def course_settings_update(
    *, course_id: int, change: CourseSettingsChange, actor: Actor, now: datetime | None = None
) -> Course:
    """Change a course's Enable Proctored Exams, Allow Opting Out and proctoring provider.

    Refuses to disable proctored exams while active proctored or practice exams remain
    (`proctored_exams_active`, listing them), and to change the provider while proctored
    attempts are unfinished (`provider_in_use`). Locks the course row.
    """
    now = now or timezone.now()
    cleaned = change.given()
    course = _course_locked(course_id)
    provider = cleaned.get("proctoring_provider", course.proctoring_provider)
    if provider != course.proctoring_provider:
        # Only a new choice must be configured; the current one stays valid to keep.
        _check_provider_configured(provider)
    changed = {k: v for k, v in cleaned.items() if getattr(course, k) != v}
    if not changed:
        return course
    if changed.get("proctored_exams_enabled") is False:
        _check_no_active_proctored_exams(course)
    if "proctoring_provider" in changed:
        _check_provider_not_in_use(course)
    before = {name: getattr(course, name) for name in changed}
    for name, value in changed.items():
        setattr(course, name, value)
    course.save(update_fields=[*changed, "modified"])
    audit(
        action=AuditAction.COURSE_SETTINGS_CHANGED,
        actor=actor,
        at=now,
        course=course,
        learner_id=None,
        target=f"course {course.course_id}",
        summary=f"Changed the settings of {course.course_id}: " + _describe(before, changed),
        details={"before": before, "after": changed},
    )
    return course


def _check_no_active_proctored_exams(course: Course) -> None:
    exams = list(
        Exam.objects.filter(course=course, is_active=True, exam_type__in=PROCTORED_TYPES)
        .order_by("position", "id")
        .values("id", "name", "exam_type")
    )
    if exams:
        names = ", ".join(f"'{exam['name']}'" for exam in exams)
        raise ProctoredExamsActive(
            ngettext(
                "These proctored or practice exams are still active: "
                "%(names)s. Make them timed exams or deactivate them first.",
                "These proctored or practice exams are still active: "
                "%(names)s. Make them timed exams or deactivate them first.",
                len(exams),
            )
            % {"names": names},
            exams=exams,
        )


def _check_provider_not_in_use(course: Course) -> None:
    unfinished = Attempt.objects.filter(
        course=course, taking_as_proctored=True, status__in=UNFINISHED
    ).count()
    if unfinished:
        raise ProviderInUse(
            ngettext(
                "%(count)d proctored attempt(s) are not finished yet with the current "
                "provider; change the provider once they have finished.",
                "%(count)d proctored attempt(s) are not finished yet with the current "
                "provider; change the provider once they have finished.",
                unfinished,
            )
            % {"count": unfinished},
            attempts=unfinished,
        )


@transaction.atomic
def exam_settings_update(
    *, exam_id: int, change: ExamSettingsChange, actor: Actor, now: datetime | None = None
) -> Exam:
    """Change an exam's type, Time Allotted (HH:MM), review rules, due date, grading, activity.

    Refuses to make an exam proctored or practice, or to reactivate one, while the course has
    proctored exams disabled (`proctoring_disabled`); to change the type of an exam that has
    attempts (`exam_has_attempts`); a special exam without a time allotted (`invalid_input`).
    A new time allotted applies to attempts started afterwards. Locks course, then exam.
    """
    now = now or timezone.now()
    cleaned = change.given()
    course_id = Exam.objects.filter(pk=exam_id).values_list("course_id", flat=True).first()
    if course_id is None:
        raise NotFound(_("No such exam."))
    course = _course_locked(course_id)
    exam = Exam.objects.select_for_update().get(pk=exam_id)
    changed = {k: v for k, v in cleaned.items() if getattr(exam, k) != v}
    if not changed:
        return exam
    _check_exam_change(exam, course, changed)
    before = {name: getattr(exam, name) for name in changed}
    for name, value in changed.items():
        setattr(exam, name, value)
    exam.save(update_fields=[*changed, "modified"])
    audit(
        action=AuditAction.EXAM_SETTINGS_CHANGED,
        actor=actor,
        at=now,
        course=course,
        learner_id=None,
        target=f"exam {exam.pk}",
        summary=f"Changed the settings of exam '{exam.name}': " + _describe(before, changed),
        details={"before": _jsonable(before), "after": _jsonable(changed)},
    )
    return exam


def _check_exam_change(exam: Exam, course: Course, changed: dict[str, Any]) -> None:
    new_type = changed.get("exam_type", exam.exam_type)
    if "exam_type" in changed:
        attempts = Attempt.objects.filter(exam=exam).count()
        if attempts:
            raise ExamHasAttempts(
                ngettext(
                    "'%(exam)s' already has %(count)d attempt(s); its type can no longer "
                    "change. Clear the attempts first, or create a new exam.",
                    "'%(exam)s' already has %(count)d attempt(s); its type can no longer "
                    "change. Clear the attempts first, or create a new exam.",
                    attempts,
                )
                % {"exam": exam.name, "count": attempts},
                attempts=attempts,
            )
    becomes_proctored = "exam_type" in changed or changed.get("is_active") is True
    is_active = changed.get("is_active", exam.is_active)
    if (
        becomes_proctored
        and new_type in PROCTORED_TYPES
        and is_active
        and not course.proctored_exams_enabled
    ):
        raise ProctoringDisabled(
            _(
                "Proctored and practice exams are not enabled for this course. Turn on "
                "Enable Proctored Exams in the course settings first."
            ),
            field="exam_type",
        )
    minutes = changed.get("time_limit_minutes", exam.time_limit_minutes)
    if new_type != ExamType.NONE and not minutes:
        raise InvalidInput(
            _("Timed, proctored and practice exams need a Time Allotted (HH:MM)."),
            field="time_allotted",
        )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, datetime):
            out[name] = value.isoformat()
        elif isinstance(value, Decimal):
            out[name] = str(value)
        else:
            out[name] = value
    return out


def _show(name: str, value: Any) -> str:
    if name == "time_limit_minutes" and value:
        return timing.format_hhmm(value)
    if name == "review_rules":
        return f"{len(value)} characters"
    if value is None or value == "":
        return "none"
    return str(value)


def _describe(before: dict[str, Any], after: dict[str, Any]) -> str:
    return "; ".join(
        f"{name} {_show(name, before[name])} -> {_show(name, value)}"
        for name, value in after.items()
    )
