"""Pages of the reports app."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path(
        "courses/<str:course_id>/instructor/data-download/",
        views.data_download,
        name="data-download",
    ),
    path("reports/download/<str:token>/", views.download, name="download"),
]
