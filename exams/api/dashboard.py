"""Course staff's API for the Special Exam dashboard: the attempts list and the settings.

Only the course's staff and support staff get an answer; everyone else gets 404, whether the
course exists or not.
"""

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response

from exams.api.base import ApiView
from exams.api.common import request_user
from exams.api.errors import refusals
from exams.api.schema import (
    OBJECT_ID,
    ExamTypeField,
    PercentField,
    ReviewRulesField,
    TimeAllottedField,
)
from exams.models import Course, Exam, ExamType
from exams.permissions import access_course_as_staff, access_exam_as_staff
from exams.policy import Action
from exams.selectors.staff import (
    PAGE_SIZE,
    attempt_filters_clean,
    attempts_for_course,
    proctoring_provider_names,
)
from exams.services.course_settings import course_settings_update, exam_settings_update
from exams.statuses import AttemptStatus
from exams.timing import format_hhmm


def _page_help() -> str:
    return ngettext(
        "From 1; %(count)d attempt a page.", "From 1; %(count)d attempts a page.", PAGE_SIZE
    ) % {"count": PAGE_SIZE}


# Lazy: the schema is written in the language it is asked in, not the one at import.
PAGE_HELP = lazy(_page_help, str)()


def optional_bool() -> serializers.BooleanField:
    """A boolean that may be left out, also from form data (DRF would read absent as false)."""
    field = serializers.BooleanField(required=False)
    field.default_empty_html = empty
    return field


@extend_schema_serializer(component_name="StaffAttemptRow")
class StaffAttemptRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    exam_id = serializers.IntegerField()
    exam_name = serializers.CharField()
    exam_type = serializers.CharField()
    allowed_minutes = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text=_(
            "Set when the attempt starts (time allotted with allowances, cut by the due "
            "date); null before, and for open exams."
        ),
    )
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    taking_as_proctored = serializers.BooleanField()
    is_sample_attempt = serializers.BooleanField()


class AttemptListApi(ApiView):
    """The course's timed, proctored and practice attempts, newest first, 25 a page.

    `q` matches the start of the username or of the e-mail (case ignored). A non-integer
    exam, an exam of another course, an unknown status, or a page outside 1..pages answers
    400 invalid_input (page 1 always exists).
    """

    @extend_schema_serializer(component_name="StaffAttemptPage")
    class OutputSerializer(serializers.Serializer):
        count = serializers.IntegerField()
        page = serializers.IntegerField()
        pages = serializers.IntegerField()
        page_size = serializers.IntegerField()
        results = StaffAttemptRowOutput(many=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description=_("Username or e-mail, or their beginning.")),
            OpenApiParameter("exam", OBJECT_ID, description=_("Only this exam's attempts.")),
            OpenApiParameter("status", str, enum=AttemptStatus.values),
            OpenApiParameter("page", OBJECT_ID, description=PAGE_HELP),
        ],
        responses={200: OutputSerializer, **refusals(400, 403, 404)},
    )
    def get(self, request: Request, course_id: str) -> Response:
        course = access_course_as_staff(request.user, course_id, Action.ATTEMPTS_VIEW)
        filters = attempt_filters_clean(request.query_params)
        return Response(
            self.OutputSerializer(attempts_for_course(course=course, filters=filters)).data
        )


@extend_schema_serializer(component_name="CourseSettings")
class CourseSettingsOutput(serializers.Serializer):
    course_id = serializers.CharField()
    name = serializers.CharField()
    proctored_exams_enabled = serializers.BooleanField()
    allow_opting_out = serializers.BooleanField()
    proctoring_provider = serializers.CharField()
    proctoring_providers = serializers.SerializerMethodField()

    def get_proctoring_providers(self, course: Course) -> list[str]:
        return proctoring_provider_names()


class CourseSettingsApi(ApiView):
    """Enable Proctored Exams, Allow Opting Out and the provider of a course.

    Disabling proctored exams while active proctored or practice exams remain answers 409
    `proctored_exams_active` (listing them in extra.exams); changing the provider while
    proctored attempts are unfinished answers 409 `provider_in_use`.
    """

    @extend_schema_serializer(component_name="CourseSettingsInput")
    class InputSerializer(serializers.Serializer):
        proctored_exams_enabled = optional_bool()
        allow_opting_out = optional_bool()
        proctoring_provider = serializers.CharField(required=False, max_length=64)

    @extend_schema(responses={200: CourseSettingsOutput, **refusals(403, 404)})
    def get(self, request: Request, course_id: str) -> Response:
        course = access_course_as_staff(request.user, course_id, Action.SETTINGS_VIEW)
        return Response(CourseSettingsOutput(course).data)

    @extend_schema(
        request=InputSerializer,
        responses={200: CourseSettingsOutput, **refusals(400, 403, 404, 409, 415)},
    )
    def patch(self, request: Request, course_id: str) -> Response:
        course = access_course_as_staff(request.user, course_id, Action.SETTINGS_CHANGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        course = course_settings_update(
            course_id=course.pk,
            changes=data.validated_data,
            actor=request_user(request),
            now=timezone.now(),
        )
        return Response(CourseSettingsOutput(course).data)


@extend_schema_serializer(component_name="ExamSettings")
class ExamSettingsOutput(serializers.Serializer):
    id = serializers.IntegerField()
    course_id = serializers.CharField(source="course.course_id")
    name = serializers.CharField()
    exam_type = serializers.ChoiceField(choices=ExamType.choices)
    time_allotted = serializers.SerializerMethodField(help_text=_("HH:MM, or null."))
    review_rules = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    passing_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    is_graded = serializers.BooleanField()
    is_active = serializers.BooleanField()

    def get_time_allotted(self, exam: Exam) -> str | None:
        return format_hhmm(exam.time_limit_minutes) if exam.time_limit_minutes else None


class ExamSettingsApi(ApiView):
    """An exam's type, Time Allotted (HH:MM), Review Rules, due date, passing score, grading.

    Making an exam proctored or practice (or reactivating one) while the course has proctored
    exams disabled answers 409 `proctoring_disabled`; changing the type of an exam that has
    attempts answers 409 `exam_has_attempts`; a bad HH:MM answers 400 with the reason.
    """

    @extend_schema_serializer(component_name="ExamSettingsInput")
    class InputSerializer(serializers.Serializer):
        exam_type = ExamTypeField(required=False)
        time_allotted = TimeAllottedField(
            required=False, allow_blank=True, allow_null=True, help_text=_("HH:MM, 00:01-24:00.")
        )
        review_rules = ReviewRulesField(required=False, allow_blank=True)
        due_at = serializers.DateTimeField(required=False, allow_null=True)
        passing_percent = PercentField(required=False, help_text=_("0-100."))
        is_graded = optional_bool()
        is_active = optional_bool()

    @extend_schema(responses={200: ExamSettingsOutput, **refusals(403, 404)})
    def get(self, request: Request, exam_id: int) -> Response:
        exam = access_exam_as_staff(request.user, exam_id, Action.SETTINGS_VIEW)
        return Response(ExamSettingsOutput(exam).data)

    @extend_schema(
        request=InputSerializer,
        responses={200: ExamSettingsOutput, **refusals(400, 403, 404, 409, 415)},
    )
    def patch(self, request: Request, exam_id: int) -> Response:
        exam = access_exam_as_staff(request.user, exam_id, Action.SETTINGS_CHANGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exam = exam_settings_update(
            exam_id=exam.pk,
            changes=data.validated_data,
            actor=request_user(request),
            now=timezone.now(),
        )
        return Response(ExamSettingsOutput(exam).data)
