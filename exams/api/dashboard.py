"""Course staff's API for the Special Exam dashboard: the attempts list.

Only the course's staff and support staff get an answer; everyone else gets 404, whether the
course exists or not.
"""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from exams.permissions import access_course_as_staff
from exams.policy import Action
from exams.rest.base import ApiView
from exams.rest.errors import refusals
from exams.rest.schema import OBJECT_ID
from exams.selectors.staff import (
    PAGE_SIZE,
    attempt_filters_clean,
    attempts_for_course,
)
from exams.statuses import AttemptStatus


def _page_help() -> str:
    return ngettext(
        "From 1; %(count)d attempt a page.", "From 1; %(count)d attempts a page.", PAGE_SIZE
    ) % {"count": PAGE_SIZE}


# Lazy: the schema is written in the language it is asked in, not the one at import.
PAGE_HELP = lazy(_page_help, str)()


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
