"""The allowances page: list, add one, change, delete, bulk add, and CSV upload with a dry run.

The CSV is checked first (nothing saved) and the report lists every row's problem; when every
row is fine the page carries the file's bytes (base64) to the Apply button, which checks it
again and saves all rows in one transaction, or none.
"""

import base64
import binascii
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from exams.allowances.batch import allowance_grant_bulk, learner_resolve_one
from exams.allowances.csv_upload import allowance_csv_apply, allowance_csv_check, upload_read
from exams.allowances.forms import (
    AllowanceEditForm,
    AllowanceForm,
    BulkAllowanceForm,
    CsvUploadForm,
    exam_ids,
)
from exams.allowances.inputs import AllowanceValue, value_text
from exams.allowances.selectors import allowances_for_course, exams_chosen
from exams.allowances.services import allowance_grant, allowance_revoke, allowance_update
from exams.exceptions import CsvFileRejected, CsvRowsInvalid, DomainError, NotFound
from exams.instructor.common import acting_user, add_domain_error, staff_course_or_404
from exams.models import Allowance, Course
from exams.permissions import access_allowance_as_staff
from exams.policy import Action
from exams.selectors.staff import exams_for_staff

PAGE = "exams/instructor/allowances.html"


def _url(course: Course) -> str:
    return reverse("exams:instructor-allowances", args=[course.course_id])


def _page(request: HttpRequest, course: Course, *, status: int = 200, **parts: Any) -> HttpResponse:
    exams = exams_for_staff(course=course)
    context: dict[str, Any] = {
        "course": course,
        "section": "allowances",
        "allowances": allowances_for_course(course=course),
        "add_form": AllowanceForm(exams=exams, prefix="add"),
        "bulk_form": BulkAllowanceForm(exams=exams, prefix="bulk"),
        "upload_form": CsvUploadForm(prefix="csv"),
        **parts,
    }
    return render(request, PAGE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def allowances(request: HttpRequest, course_id: str) -> HttpResponse:
    """GET: the page. POST: grant one allowance."""
    reading = request.method == "GET"
    action = Action.ALLOWANCES_VIEW if reading else Action.ALLOWANCES_MANAGE
    course = staff_course_or_404(request, course_id, action)
    if reading:
        return _page(request, course)
    exams = exams_for_staff(course=course)
    form = AllowanceForm(request.POST, exams=exams, prefix="add")
    if form.is_valid():
        data = form.cleaned_data
        try:
            allowance_grant(
                course=course,
                learner=learner_resolve_one(data["learner"]),
                exam=exams_chosen(course=course, exam_ids=exam_ids(data["exam"]))[0],
                value=AllowanceValue.parse(data["kind"], data["value"]),
                reason=data["reason"],
                expires_at=data["expires_at"],
                granted_by=acting_user(request),
                now=timezone.now(),
            )
        except DomainError as error:
            add_domain_error(form, error, {"not_enrolled": "learner"})
        else:
            messages.success(request, _("Allowance granted to %s.") % data["learner"])
            return redirect(_url(course))
    return _page(request, course, status=400, add_form=form)


def _allowance_of_course(request: HttpRequest, course: Course, allowance_id: int) -> Allowance:
    try:
        allowance = access_allowance_as_staff(request.user, allowance_id, Action.ALLOWANCES_MANAGE)
    except NotFound:
        raise Http404("No such allowance.") from None
    if allowance.course_id != course.pk:
        raise Http404("No such allowance.")
    return allowance


@login_required
@require_http_methods(["GET", "POST"])
def allowance_edit(request: HttpRequest, course_id: str, allowance_id: int) -> HttpResponse:
    """Change an allowance's value, reason or expiry."""
    course = staff_course_or_404(request, course_id, Action.ALLOWANCES_MANAGE)
    allowance = _allowance_of_course(request, course, allowance_id)
    initial = {
        "value": value_text(allowance),
        "reason": allowance.reason,
        "expires_at": allowance.expires_at,
    }
    form = AllowanceEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            allowance_update(
                allowance_id=allowance.pk,
                value=AllowanceValue.parse(allowance.kind, form.cleaned_data["value"]),
                reason=form.cleaned_data["reason"],
                expires_at=form.cleaned_data["expires_at"],
                actor=acting_user(request),
                now=timezone.now(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Allowance changed."))
            return redirect(_url(course))
    context = {"course": course, "section": "allowances", "allowance": allowance, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "exams/instructor/allowance_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def allowance_delete(request: HttpRequest, course_id: str, allowance_id: int) -> HttpResponse:
    """GET: the confirmation. POST: revoke the allowance."""
    course = staff_course_or_404(request, course_id, Action.ALLOWANCES_MANAGE)
    allowance = _allowance_of_course(request, course, allowance_id)
    if request.method == "POST":
        allowance_revoke(allowance_id=allowance.pk, actor=acting_user(request))
        messages.success(request, _("Allowance deleted."))
        return redirect(_url(course))
    context = {"course": course, "section": "allowances", "allowance": allowance}
    return render(request, "exams/instructor/allowance_delete.html", context)


@login_required
@require_POST
def allowances_bulk(request: HttpRequest, course_id: str) -> HttpResponse:
    """Grant one allowance to several learners for several exams; show each pair's result."""
    course = staff_course_or_404(request, course_id, Action.ALLOWANCES_MANAGE)
    exams = exams_for_staff(course=course)
    form = BulkAllowanceForm(request.POST, exams=exams, prefix="bulk")
    if not form.is_valid():
        return _page(request, course, status=400, bulk_form=form)
    data = form.cleaned_data
    try:
        results = allowance_grant_bulk(
            course=course,
            learners=form.learner_names(),
            exams=exams_chosen(course=course, exam_ids=exam_ids(data["exams"])),
            value=AllowanceValue.parse(data["kind"], data["value"]),
            reason=data["reason"],
            expires_at=data["expires_at"],
            granted_by=acting_user(request),
            now=timezone.now(),
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _page(request, course, status=400, bulk_form=form)
    granted = sum(result.ok for result in results)
    return _page(
        request,
        course,
        bulk_form=form if granted < len(results) else None,
        bulk_results={"rows": results, "granted": granted, "failed": len(results) - granted},
    )


def _report(rows: list[dict[str, Any]], filename: str, content: bytes | None) -> dict[str, Any]:
    problems = sum(not row["ok"] for row in rows)
    return {
        "rows": rows,
        "total": len(rows),
        "problems": problems,
        "ready": len(rows) - problems,
        "filename": filename,
        "content": base64.b64encode(content).decode() if content is not None else "",
    }


@login_required
@require_POST
def allowances_upload(request: HttpRequest, course_id: str) -> HttpResponse:
    """Check an uploaded CSV (dry run), or apply a checked one (`apply`: all or nothing)."""
    course = staff_course_or_404(request, course_id, Action.ALLOWANCES_MANAGE)
    if "apply" in request.POST:
        return _apply(request, course)
    form = CsvUploadForm(request.POST, request.FILES, prefix="csv")
    if not form.is_valid():
        return _page(request, course, status=400, upload_form=form)
    upload = form.cleaned_data["file"]
    try:
        content = upload_read(upload)
        report = allowance_csv_check(course=course, data=content, now=timezone.now())
    except CsvFileRejected as error:
        form.add_error("file", error.message)
        return _page(request, course, status=400, upload_form=form)
    kept = content if report.ok else None
    return _page(request, course, report=_report(report.as_data(), upload.name, kept))


def _apply(request: HttpRequest, course: Course) -> HttpResponse:
    filename = request.POST.get("filename", "")
    try:
        content = base64.b64decode(request.POST.get("content", ""), validate=True)
    except (binascii.Error, ValueError):
        return _page(
            request, course, status=400, upload_error=_("Upload the file again and check it.")
        )
    try:
        created = allowance_csv_apply(
            course=course, data=content, actor=acting_user(request), now=timezone.now()
        )
    except CsvRowsInvalid as error:
        report = _report(error.extra["rows"], filename, None)
        return _page(request, course, status=400, report=report, upload_error=error.message)
    except DomainError as error:  # the file, or a grant refused since the check
        return _page(request, course, status=400, upload_error=error.message)
    messages.success(
        request,
        ngettext(
            "Saved %(count)d allowances from %(file)s.",
            "Saved %(count)d allowances from %(file)s.",
            len(created),
        )
        % {"count": len(created), "file": filename},
    )
    return redirect(_url(course))
