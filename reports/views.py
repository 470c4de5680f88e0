"""The Data Download page and the download of a report through its signed link."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from exams import integrations
from exams.exceptions import NotFound
from reports.links import LinkExpired, LinkInvalid, read_token
from reports.models import ReportJob
from reports.permissions import access_course_reports
from reports.presenters import job_view
from reports.selectors import jobs_for_course
from reports.state_machine import JobStatus


@login_required
@require_GET
def data_download(request: HttpRequest, course_id: str) -> HttpResponse:
    """Instructor → Data Download: generate the report, watch it, download finished ones."""
    try:
        course = access_course_reports(request.user, course_id)
    except NotFound:
        raise Http404("No such course.") from None
    now = timezone.now()
    expires = now + timedelta(seconds=settings.REPORTS_LINK_MAX_AGE_SECONDS)
    views = [
        job_view(j, user_id=request.user.pk or 0, now=now, expires_at=expires)
        for j in jobs_for_course(course)
    ]
    return render(
        request,
        "reports/data_download.html",
        {
            "course": course,
            "finished": [v for v in views if v.status in (JobStatus.DONE, JobStatus.FAILED)],
            "pending": [v for v in views if v.status in (JobStatus.QUEUED, JobStatus.RUNNING)],
            "links_expire_at": expires,
            "link_seconds": settings.REPORTS_LINK_MAX_AGE_SECONDS,
        },
    )


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "reports/link_refused.html", {"message": message}, status=status)


@login_required
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponseBase:
    """Serve a finished report to the user its link was made for, within five minutes."""
    try:
        claim = read_token(token, now=timezone.now())
    except LinkExpired:
        return _refused(
            request,
            _(
                "This download link has expired. Go back to Data Download "
                "and refresh the page to get new links."
            ),
            410,
        )
    except LinkInvalid:
        return _refused(request, _("This download link is not valid."), 404)
    job = (
        ReportJob.objects.select_related("course")
        .filter(pk=claim.job_id, status=JobStatus.DONE)
        .first()
    )
    if (
        claim.user_id != request.user.pk
        or job is None
        or not integrations.is_course_staff(request.user, job.course)
    ):
        return _refused(request, _("This download link is not valid for you."), 404)
    try:
        stored = default_storage.open(job.storage_name, "rb")
    except (FileNotFoundError, OSError):
        return _refused(
            request,
            _(
                "This report's file is no longer stored. Go back to Data Download and "
                "generate the report again."
            ),
            410,
        )
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=job.file_name,
        content_type="text/csv; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response
