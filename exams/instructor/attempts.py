"""The Special Exam dashboard: Student Special Exam Attempts (search, filters, pages, Clear,
Resume) and the chart of attempts per status for each exam."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exams import hooks, services
from exams.exceptions import DomainError, InvalidInput, NotFound
from exams.instructor.common import acting_user, dashboard_url, filters_of, staff_course_or_404
from exams.models import Attempt, Course
from exams.permissions import access_attempt_as_staff
from exams.policy import Action
from exams.selectors.staff import (
    AttemptPage,
    AttemptRow,
    attempt_filters_clean,
    attempt_status_chart,
    attempts_for_course,
    exams_for_staff,
)
from exams.statuses import AttemptStatus


@login_required
@require_GET
def dashboard(request: HttpRequest, course_id: str) -> HttpResponse:
    """The attempts of the course, 25 a page, newest first, and the chart per exam."""
    course = staff_course_or_404(request, course_id, Action.ATTEMPTS_VIEW)
    page: AttemptPage | None = None
    error = ""
    try:
        page = attempts_for_course(course=course, filters=attempt_filters_clean(request.GET))
    except InvalidInput as failure:
        error = failure.message
    filters = filters_of(request)
    context = {
        "course": course,
        "section": "dashboard",
        "exams": exams_for_staff(course=course),
        "statuses": AttemptStatus.choices,
        "filters": filters,
        "filtered": any(filters.values()),
        "page": page,
        "rows": _with_remarks(page),
        "error": error,
        "charts": attempt_status_chart(course=course),
    }
    return render(request, "exams/instructor/dashboard.html", context, status=400 if error else 200)


def _with_remarks(page: AttemptPage | None) -> list[tuple[AttemptRow, list[str]]]:
    """The page's rows, each with what other apps remark on it (exams.hooks)."""
    if page is None:
        return []
    remarks = hooks.attempt_remarks([row.id for row in page.results])
    return [(row, remarks.get(row.id, [])) for row in page.results]


def _attempt_of_course(
    request: HttpRequest, course: Course, attempt_id: int, action: Action
) -> Attempt:
    attempt = access_attempt_as_staff(request.user, attempt_id, action)
    if attempt.exam.course_id != course.pk:
        raise NotFound(_("No such attempt."))
    return attempt


@login_required
@require_http_methods(["GET", "POST"])
def attempt_clear(request: HttpRequest, course_id: str, attempt_id: int) -> HttpResponse:
    """GET: the confirmation (without the page script). POST: clear, back to the list.

    The dashboard's filters ride along in the query string so the list comes back as it was
    (from page 1: the cleared attempt may have been the last of its page).
    """
    course = staff_course_or_404(request, course_id, Action.ATTEMPTS_CLEAR)
    back = dashboard_url(course, filters_of(request))
    try:
        attempt = _attempt_of_course(request, course, attempt_id, Action.ATTEMPTS_CLEAR)
    except NotFound:
        if request.method == "POST":
            messages.info(request, _("That attempt was already cleared."))
            return redirect(back)
        raise Http404("No such attempt.") from None
    if request.method == "POST":
        services.attempt_clear(attempt_id=attempt.pk, actor=acting_user(request))
        messages.success(
            request,
            _("Cleared the attempt of %(user)s at %(exam)s.")
            % {"user": attempt.learner.get_username(), "exam": attempt.exam.name},
        )
        return redirect(back)
    return render(
        request,
        "exams/instructor/clear_confirm.html",
        {"course": course, "section": "dashboard", "attempt": attempt, "back": back},
    )


@login_required
@require_POST
def attempt_resume(request: HttpRequest, course_id: str, attempt_id: int) -> HttpResponse:
    """Let a learner whose exam stopped with an error resume with the time that remained."""
    course = staff_course_or_404(request, course_id, Action.ATTEMPTS_RESUME)
    try:
        attempt = _attempt_of_course(request, course, attempt_id, Action.ATTEMPTS_RESUME)
    except NotFound:
        raise Http404("No such attempt.") from None
    try:
        services.attempt_resume(
            attempt_id=attempt.pk, actor=acting_user(request), now=timezone.now()
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(user)s can resume %(exam)s.")
            % {"user": attempt.learner.get_username(), "exam": attempt.exam.name},
        )
    return redirect(dashboard_url(course, filters_of(request, page=True)))
