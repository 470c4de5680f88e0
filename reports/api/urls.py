"""URLs of the reports API (mounted at /api/v1/)."""

from django.urls import path

from reports.api import views

urlpatterns = [
    path("courses/<str:course_id>/reports/", views.ReportListApi.as_view(), name="report-list"),
    path(
        "courses/<str:course_id>/reports/proctored-results/",
        views.ProctoredResultsReportApi.as_view(),
        name="report-request",
    ),
    path("reports/<int:job_id>/retry/", views.ReportRetryApi.as_view(), name="report-retry"),
]
