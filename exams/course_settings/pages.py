"""The course and exam settings page: one form for the course, one per exam, each saved on
its own through its typed change and the settings services; a refusal shows on the form it
concerns."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from exams.course_settings.forms import CourseSettingsForm, ExamSettingsForm
from exams.course_settings.inputs import CourseSettingsChange, ExamSettingsChange
from exams.course_settings.services import course_settings_update, exam_settings_update
from exams.exceptions import DomainError
from exams.instructor.common import acting_user, add_domain_error, staff_course_or_404
from exams.models import Course, Exam
from exams.policy import Action
from exams.selectors.staff import exams_of_course
from exams.timing import format_hhmm

COURSE_SECTION = "course"


def _course_form(course: Course, data: Any = None) -> CourseSettingsForm:
    initial = {
        "proctored_exams_enabled": course.proctored_exams_enabled,
        "allow_opting_out": course.allow_opting_out,
        "proctoring_provider": course.proctoring_provider,
    }
    return CourseSettingsForm(
        data, initial=initial, prefix=COURSE_SECTION, current_provider=course.proctoring_provider
    )


def _exam_form(exam: Exam, data: Any = None) -> ExamSettingsForm:
    initial = {
        "exam_type": exam.exam_type,
        "time_allotted": format_hhmm(exam.time_limit_minutes) if exam.time_limit_minutes else "",
        "review_rules": exam.review_rules,
        "due_at": exam.due_at,
        "passing_percent": exam.passing_percent,
        "is_graded": exam.is_graded,
        "is_active": exam.is_active,
    }
    return ExamSettingsForm(data, initial=initial, prefix=f"exam-{exam.pk}")


def _save(request: HttpRequest, course: Course, exams: list[Exam]) -> Any:
    """Save the posted section; return its bound form when refused, else None."""
    section = request.POST.get("section", "")
    now = timezone.now()
    if section == COURSE_SECTION:
        form: Any = _course_form(course, request.POST)
        if form.is_valid():
            try:
                course_settings_update(
                    course_id=course.pk,
                    change=CourseSettingsChange.parse(form.cleaned_data),
                    actor=acting_user(request),
                    now=now,
                )
            except DomainError as error:
                add_domain_error(form, error)
                return section, form
            messages.success(request, _("Course settings saved."))
            return None
        return section, form
    exam = next((e for e in exams if f"exam-{e.pk}" == section), None)
    if exam is None:
        return None
    form = _exam_form(exam, request.POST)
    if form.is_valid():
        try:
            exam_settings_update(
                exam_id=exam.pk,
                change=ExamSettingsChange.parse(form.cleaned_data),
                actor=acting_user(request),
                now=now,
            )
        except DomainError as error:
            add_domain_error(form, error, {"proctoring_disabled": "exam_type"})
            return section, form
        messages.success(request, _("Settings of %s saved.") % exam.name)
        return None
    return section, form


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, course_id: str) -> HttpResponse:
    """Course settings (proctoring switches, provider) and every exam's settings."""
    reading = request.method == "GET"
    course = staff_course_or_404(
        request, course_id, Action.SETTINGS_VIEW if reading else Action.SETTINGS_CHANGE
    )
    exams = exams_of_course(course=course)
    refused = None
    if request.method == "POST":
        refused = _save(request, course, exams)
        if refused is None:
            return redirect(reverse("exams:instructor-settings", args=[course.course_id]))
        course.refresh_from_db()
    bound_section, bound_form = refused or ("", None)
    course_form = bound_form if bound_section == COURSE_SECTION else _course_form(course)
    exam_forms = [
        (exam, bound_form if bound_section == f"exam-{exam.pk}" else _exam_form(exam))
        for exam in exams
    ]
    context = {
        "course": course,
        "section": "settings",
        "course_form": course_form,
        "exam_forms": exam_forms,
    }
    return render(
        request, "exams/instructor/settings.html", context, status=400 if refused else 200
    )
