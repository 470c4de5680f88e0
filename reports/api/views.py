"""Request proctored results reports and list them with fresh download links."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from exams.rest.base import ApiView
from exams.rest.common import request_user
from exams.rest.errors import refusals
from reports import services
from reports.models import ReportJob
from reports.permissions import access_course_reports, access_report_job
from reports.presenters import job_view
from reports.selectors import jobs_for_course


@extend_schema_serializer(component_name="ReportJob")
class JobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    status_label = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField()
    file_name = serializers.CharField()
    error = serializers.CharField()
    download_url = serializers.CharField(
        allow_null=True, help_text=_("Signed for you; expires within 5 minutes.")
    )
    links_expire_at = serializers.DateTimeField(allow_null=True)


def _views(jobs: list[ReportJob], user_id: int) -> list[object]:
    now = timezone.now()
    expires = now + timedelta(seconds=settings.REPORTS_LINK_MAX_AGE_SECONDS)
    return [job_view(job, user_id=user_id, now=now, expires_at=expires) for job in jobs]


class ReportListApi(ApiView):
    """The course's reports, newest first, with progress and fresh download links."""

    @extend_schema(responses={200: JobOutput(many=True), **refusals(403, 404)})
    def get(self, request: Request, course_id: str) -> Response:
        course = access_course_reports(request.user, course_id)
        user = request_user(request)
        return Response(JobOutput(_views(jobs_for_course(course), user.pk), many=True).data)


class ProctoredResultsReportApi(ApiView):
    """Queue a proctored exam results report; returns at once (202) with the job."""

    @extend_schema(request=None, responses={202: JobOutput, **refusals(403, 404)})
    def post(self, request: Request, course_id: str) -> Response:
        course = access_course_reports(request.user, course_id)
        user = request_user(request)
        job = services.report_request(course=course, user=user)
        return Response(JobOutput(_views([job], user.pk)[0]).data, status=202)


class ReportRetryApi(ApiView):
    """Queue a failed report again."""

    @extend_schema(request=None, responses={202: JobOutput, **refusals(403, 404, 409)})
    def post(self, request: Request, job_id: int) -> Response:
        job = services.report_retry(job_id=access_report_job(request.user, job_id).pk)
        return Response(JobOutput(_views([job], request_user(request).pk)[0]).data, status=202)
