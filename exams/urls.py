"""URLs of the exams app's pages."""

from django.urls import path

from exams import views
from exams.allowances import pages as allowances
from exams.course_settings import pages as settings_pages
from exams.instructor import attempts

app_name = "exams"

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/<str:course_id>/", views.course_home, name="course"),
    path("courses/<str:course_id>/exams/<int:exam_id>/", views.exam_page, name="exam"),
    path("courses/<str:course_id>/progress/", views.progress, name="progress"),
    # Instructor pages (course staff and support staff).
    path("courses/<str:course_id>/instructor/", attempts.dashboard, name="instructor-dashboard"),
    path(
        "courses/<str:course_id>/instructor/attempts/<int:attempt_id>/clear/",
        attempts.attempt_clear,
        name="instructor-attempt-clear",
    ),
    path(
        "courses/<str:course_id>/instructor/attempts/<int:attempt_id>/resume/",
        attempts.attempt_resume,
        name="instructor-attempt-resume",
    ),
    path(
        "courses/<str:course_id>/instructor/allowances/",
        allowances.allowances,
        name="instructor-allowances",
    ),
    path(
        "courses/<str:course_id>/instructor/allowances/bulk/",
        allowances.allowances_bulk,
        name="instructor-allowances-bulk",
    ),
    path(
        "courses/<str:course_id>/instructor/allowances/upload/",
        allowances.allowances_upload,
        name="instructor-allowances-upload",
    ),
    path(
        "courses/<str:course_id>/instructor/allowances/<int:allowance_id>/edit/",
        allowances.allowance_edit,
        name="instructor-allowance-edit",
    ),
    path(
        "courses/<str:course_id>/instructor/allowances/<int:allowance_id>/delete/",
        allowances.allowance_delete,
        name="instructor-allowance-delete",
    ),
    path(
        "courses/<str:course_id>/instructor/settings/",
        settings_pages.settings_page,
        name="instructor-settings",
    ),
]
