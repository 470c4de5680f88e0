"""URLs of the exams app's REST API (mounted at /api/v1/)."""

from django.urls import path

from exams.allowances import api as allowances
from exams.api import dashboard, learner, staff
from exams.course_settings import api as settings_api

urlpatterns = [
    path(
        "courses/<str:course_id>/exams/", learner.CourseExamListApi.as_view(), name="course-exams"
    ),
    path("exams/<int:exam_id>/", learner.ExamDetailApi.as_view(), name="exam-detail"),
    path(
        "exams/<int:exam_id>/attempts/", learner.AttemptCreateApi.as_view(), name="attempt-create"
    ),
    path("attempts/<int:attempt_id>/", learner.AttemptDetailApi.as_view(), name="attempt-detail"),
    path(
        "attempts/<int:attempt_id>/setup/", learner.AttemptSetupApi.as_view(), name="attempt-setup"
    ),
    path(
        "attempts/<int:attempt_id>/start/", learner.AttemptStartApi.as_view(), name="attempt-start"
    ),
    path("attempts/<int:attempt_id>/stop/", learner.AttemptStopApi.as_view(), name="attempt-stop"),
    path(
        "attempts/<int:attempt_id>/continue/",
        learner.AttemptContinueApi.as_view(),
        name="attempt-continue",
    ),
    path(
        "attempts/<int:attempt_id>/submit/",
        learner.AttemptSubmitApi.as_view(),
        name="attempt-submit",
    ),
    path(
        "attempts/<int:attempt_id>/reset/", learner.AttemptResetApi.as_view(), name="attempt-reset"
    ),
    path(
        "attempts/<int:attempt_id>/error/", learner.AttemptErrorApi.as_view(), name="attempt-error"
    ),
    path(
        "attempts/<int:attempt_id>/resume/", staff.AttemptResumeApi.as_view(), name="attempt-resume"
    ),
    path(
        "attempts/<int:attempt_id>/answers/<int:question_id>/",
        learner.AnswerSaveApi.as_view(),
        name="answer-save",
    ),
    # Course staff and support: the Special Exam dashboard, allowances, settings.
    path(
        "courses/<str:course_id>/attempts/",
        dashboard.AttemptListApi.as_view(),
        name="course-attempts",
    ),
    path(
        "courses/<str:course_id>/settings/",
        settings_api.CourseSettingsApi.as_view(),
        name="course-settings",
    ),
    path(
        "exams/<int:exam_id>/settings/",
        settings_api.ExamSettingsApi.as_view(),
        name="exam-settings",
    ),
    path(
        "courses/<str:course_id>/allowances/",
        allowances.AllowanceListApi.as_view(),
        name="course-allowances",
    ),
    path(
        "courses/<str:course_id>/allowances/bulk/",
        allowances.AllowanceBulkApi.as_view(),
        name="course-allowances-bulk",
    ),
    path(
        "courses/<str:course_id>/allowances/upload/",
        allowances.AllowanceUploadApi.as_view(),
        name="course-allowances-upload",
    ),
    path(
        "allowances/<int:allowance_id>/",
        allowances.AllowanceDetailApi.as_view(),
        name="allowance-detail",
    ),
]
