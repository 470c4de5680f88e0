"""Course staff's API on course and exam settings.

Only the course's staff and support staff get an answer; everyone else gets 404, whether the
course or exam exists or not. DRF reads the body (JSON or form data); the typed changes
(exams.course_settings.inputs) parse its values, with the same codes and messages as the
settings page. The schema fields below only tell clients what is accepted.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response

from exams.course_settings.inputs import (
    MAX_REVIEW_RULES,
    CourseSettingsChange,
    ExamSettingsChange,
)
from exams.course_settings.services import course_settings_update, exam_settings_update
from exams.models import Course, Exam, ExamType
from exams.permissions import access_course_as_staff, access_exam_as_staff
from exams.policy import Action
from exams.rest.base import ApiView
from exams.rest.common import request_user
from exams.rest.errors import refusals
from exams.selectors.staff import proctoring_provider_names
from exams.timing import format_hhmm

# Time Allotted: HH:MM from 00:01 to 24:00, two-digit minutes (empty or null: none).
HHMM_PATTERN = r"^(00:(0[1-9]|[1-5][0-9])|(0[1-9]|1[0-9]|2[0-3]):[0-5][0-9]|24:00)$"
# A passing score, 0 to 100 with at most two decimals, as text.
PERCENT_PATTERN = r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$"


def optional_bool() -> serializers.BooleanField:
    """A boolean that may be left out, also from form data (DRF would read absent as false)."""
    field = serializers.BooleanField(required=False)
    field.default_empty_html = empty
    return field


@extend_schema_field({"type": "string", "enum": ExamType.values})
class ExamTypeField(serializers.CharField):
    pass


@extend_schema_field(
    {"type": "string", "pattern": HHMM_PATTERN, "nullable": True, "example": "01:30"}
)
class TimeAllottedField(serializers.CharField):
    pass


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "pattern": PERCENT_PATTERN, "example": "70.00"},
            {"type": "number", "minimum": 0, "maximum": 100},
        ]
    }
)
class PercentField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "maxLength": MAX_REVIEW_RULES})
class ReviewRulesField(serializers.CharField):
    pass


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
            change=CourseSettingsChange.parse(data.validated_data),
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
            change=ExamSettingsChange.parse(data.validated_data),
            actor=request_user(request),
            now=timezone.now(),
        )
        return Response(ExamSettingsOutput(exam).data)
