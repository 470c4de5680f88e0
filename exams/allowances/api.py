"""Course staff's API on allowances: list, grant, change, revoke, bulk grant, CSV upload.

Only the course's staff and support staff get an answer; everyone else gets 404. Learners
are named by username or e-mail; `exam: null` means all timed exams of the course. DRF reads
the body; values are parsed by exams.allowances.inputs and exams are resolved by
exams.allowances.selectors, as on the page and in the admin.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from exams.allowances.batch import (
    MAX_EXAMS,
    MAX_LEARNERS,
    allowance_grant_bulk,
    learner_resolve_one,
)
from exams.allowances.csv_upload import allowance_csv_apply, allowance_csv_check, upload_read
from exams.allowances.inputs import AllowanceValue, value_text
from exams.allowances.selectors import allowances_for_course, exam_chosen, exams_chosen
from exams.allowances.services import allowance_grant, allowance_revoke, allowance_update
from exams.exceptions import NothingGranted
from exams.inputs import KEEP
from exams.models import Allowance, AllowanceKind, Course, Exam
from exams.permissions import access_allowance_as_staff, access_course_as_staff
from exams.policy import Action
from exams.rest.base import ApiView
from exams.rest.common import request_user
from exams.rest.errors import refusals
from exams.rest.schema import OBJECT_ID

# What the schema says of the learners and exams named; the services check the same bounds.


@extend_schema_field({**OBJECT_ID, "nullable": True})
class ExamIdField(serializers.IntegerField):
    pass


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "maxLength": 254},
        "minItems": 1,
        "maxItems": MAX_LEARNERS,
    }
)
class LearnersField(serializers.ListField):
    pass


@extend_schema_field(
    {
        "type": "array",
        "items": {**OBJECT_ID, "nullable": True},
        "minItems": 1,
        "maxItems": MAX_EXAMS,
        "nullable": True,
    }
)
class ExamIdsField(serializers.ListField):
    pass


@extend_schema_serializer(component_name="StaffAllowance")
class AllowanceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    learner_id = serializers.IntegerField()
    learner_username = serializers.CharField(source="learner.username")
    learner_email = serializers.CharField(source="learner.email")
    exam_id = serializers.IntegerField(allow_null=True, help_text=_("null: all timed exams."))
    exam_name = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=AllowanceKind.choices)
    value = serializers.SerializerMethodField(method_name="value_of")
    value_display = serializers.CharField()
    reason = serializers.CharField()
    granted_by = serializers.SerializerMethodField()
    created = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)

    def get_exam_name(self, allowance: Allowance) -> str | None:
        return allowance.exam.name if allowance.exam else None

    def value_of(self, allowance: Allowance) -> str:
        return value_text(allowance)

    def get_granted_by(self, allowance: Allowance) -> str | None:
        return allowance.granted_by.get_username() if allowance.granted_by else None


class AllowanceListApi(ApiView):
    """The course's allowances (GET), or grant one (POST).

    POST answers 400 for an unknown learner (`unknown_learner`), a bad value or an exam of
    another course; 409 `not_enrolled` or `allowance_exists`.
    """

    @extend_schema_serializer(component_name="AllowanceGrantInput")
    class InputSerializer(serializers.Serializer):
        learner = serializers.CharField(max_length=254, help_text=_("Username or e-mail."))
        exam = ExamIdField(
            required=False, allow_null=True, default=None, help_text=_("null: all timed exams.")
        )
        kind = serializers.ChoiceField(choices=AllowanceKind.choices)
        value = serializers.CharField(max_length=2000)
        reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(responses={200: AllowanceOutput(many=True), **refusals(403, 404)})
    def get(self, request: Request, course_id: str) -> Response:
        course = access_course_as_staff(request.user, course_id, Action.ALLOWANCES_VIEW)
        return Response(AllowanceOutput(allowances_for_course(course=course), many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: AllowanceOutput, **refusals(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, course_id: str) -> Response:
        course = access_course_as_staff(request.user, course_id, Action.ALLOWANCES_MANAGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        allowance = allowance_grant(
            course=course,
            learner=learner_resolve_one(values["learner"]),
            exam=exam_chosen(course=course, exam_id=values["exam"]),
            value=AllowanceValue.parse(values["kind"], values["value"]),
            reason=values.get("reason", ""),
            expires_at=values["expires_at"],
            granted_by=request_user(request),
            now=timezone.now(),
        )
        stored = access_allowance_as_staff(request.user, allowance.pk, Action.ALLOWANCES_MANAGE)
        return Response(AllowanceOutput(stored).data, status=201)


class AllowanceDetailApi(ApiView):
    """Change an allowance's value, reason or expiry (PATCH), or revoke it (DELETE).

    Fields left out stay as they are; `expires_at: null` removes the expiry.
    """

    @extend_schema_serializer(component_name="AllowanceUpdateInput")
    class InputSerializer(serializers.Serializer):
        value = serializers.CharField(required=False, max_length=2000)
        reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        expires_at = serializers.DateTimeField(required=False, allow_null=True)

    @extend_schema(
        request=InputSerializer,
        responses={200: AllowanceOutput, **refusals(400, 403, 404, 415)},
    )
    def patch(self, request: Request, allowance_id: int) -> Response:
        allowance = access_allowance_as_staff(request.user, allowance_id, Action.ALLOWANCES_MANAGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        allowance = allowance_update(
            allowance_id=allowance.pk,
            value=AllowanceValue.parse(allowance.kind, values["value"])
            if "value" in values
            else KEEP,
            reason=values.get("reason", KEEP),
            expires_at=values.get("expires_at", KEEP),
            actor=request_user(request),
            now=timezone.now(),
        )
        return Response(
            AllowanceOutput(
                access_allowance_as_staff(request.user, allowance.pk, Action.ALLOWANCES_MANAGE)
            ).data
        )

    @extend_schema(request=None, responses={204: None, **refusals(403, 404)})
    def delete(self, request: Request, allowance_id: int) -> Response:
        allowance = access_allowance_as_staff(request.user, allowance_id, Action.ALLOWANCES_MANAGE)
        allowance_revoke(allowance_id=allowance.pk, actor=request_user(request), now=timezone.now())
        return Response(status=204)


@extend_schema_serializer(component_name="AllowanceBulkResult")
class BulkResultOutput(serializers.Serializer):
    learner = serializers.CharField()
    exam_id = serializers.IntegerField(allow_null=True, help_text=_("null: all timed exams."))
    exam_name = serializers.CharField()
    ok = serializers.BooleanField()
    allowance_id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(help_text=_("Why the pair was refused; empty when ok."))
    message = serializers.CharField()


def _exams(course: Course, exam_ids: list[int | None] | None) -> list[Exam | None]:
    """Left out or null: all timed exams; an empty list chooses none (refused by the bulk)."""
    return [None] if exam_ids is None else exams_chosen(course=course, exam_ids=exam_ids)


class AllowanceBulkApi(ApiView):
    """Grant one allowance to many learners for many exams; one result per (learner, exam).

    Each pair is its own transaction. 200 when every pair was granted, 207 when some were,
    400 `nothing_granted` (the results in extra.results) when none was. `exams` null or left
    out: all timed exams; a null in the list also means all timed exams. Exams of another
    course, or a bad kind, value or expiry, refuse the whole request (400) before anything.
    """

    @extend_schema_serializer(component_name="AllowanceBulkInput")
    class InputSerializer(serializers.Serializer):
        learners = LearnersField(
            child=serializers.CharField(max_length=254), help_text=_("Usernames or e-mails.")
        )
        exams = ExamIdsField(
            child=serializers.IntegerField(allow_null=True),
            required=False,
            allow_null=True,
            default=None,
        )
        kind = serializers.ChoiceField(choices=AllowanceKind.choices)
        value = serializers.CharField(max_length=2000)
        reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
        expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema_serializer(component_name="AllowanceBulkOutput")
    class OutputSerializer(serializers.Serializer):
        granted = serializers.IntegerField()
        failed = serializers.IntegerField()
        results = BulkResultOutput(many=True)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            207: OutputSerializer,
            **refusals(400, 403, 404, 415),
        },
    )
    def post(self, request: Request, course_id: str) -> Response:
        course = access_course_as_staff(request.user, course_id, Action.ALLOWANCES_MANAGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        results = allowance_grant_bulk(
            course=course,
            learners=values["learners"],
            exams=_exams(course, values["exams"]),
            value=AllowanceValue.parse(values["kind"], values["value"]),
            reason=values.get("reason", ""),
            expires_at=values["expires_at"],
            granted_by=request_user(request),
            now=timezone.now(),
        )
        granted = sum(result.ok for result in results)
        body: dict[str, Any] = {
            "granted": granted,
            "failed": len(results) - granted,
            "results": BulkResultOutput(results, many=True).data,
        }
        if not granted:
            raise NothingGranted(_("No allowance was granted; see each result."), **body)
        return Response(
            self.OutputSerializer(body).data, status=200 if body["failed"] == 0 else 207
        )


@extend_schema_serializer(component_name="AllowanceCsvProblem")
class CsvProblemOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


@extend_schema_serializer(component_name="AllowanceCsvRow")
class CsvRowOutput(serializers.Serializer):
    """One row of the uploaded file as given, with its line number and problems."""

    line = serializers.IntegerField()
    learner = serializers.CharField()
    exam = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.CharField()
    reason = serializers.CharField()
    expires_at = serializers.CharField()
    ok = serializers.BooleanField()
    problems = CsvProblemOutput(many=True)


class AllowanceUploadApi(ApiView):
    """Allowances from a CSV file (multipart field `file`): check it, then save all or none.

    Columns (header line required): learner,exam,kind,value,reason,expires_at. `dry_run`
    defaults to true: 200 with every row's problems, nothing saved. With `dry_run=false`:
    201 and the number created when every row is fine, else 400 `csv_rows_invalid` with the
    report in extra.rows and nothing saved. A file over 1 MB or 5,000 rows, not UTF-8, empty,
    or without the header answers 400 with its own code (csv_too_large, csv_too_many_rows,
    csv_not_utf8, csv_empty, csv_bad_header, csv_malformed).
    """

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="AllowanceUploadInput")
    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True)
        dry_run = serializers.BooleanField(default=True)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # Left out of a form means "just check", never "save".
            self.fields["dry_run"].default_empty_html = True

    @extend_schema_serializer(component_name="AllowanceUploadOutput")
    class OutputSerializer(serializers.Serializer):
        dry_run = serializers.BooleanField()
        ok = serializers.BooleanField()
        total_rows = serializers.IntegerField()
        problem_rows = serializers.IntegerField()
        created = serializers.IntegerField()
        rows = CsvRowOutput(many=True)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={
            200: OutputSerializer,
            201: OutputSerializer,
            **refusals(400, 403, 404, 409, 415),
        },
    )
    def post(self, request: Request, course_id: str) -> Response:
        course = access_course_as_staff(request.user, course_id, Action.ALLOWANCES_MANAGE)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        content = upload_read(data.validated_data["file"])
        now = timezone.now()
        if data.validated_data["dry_run"]:
            report = allowance_csv_check(course=course, data=content, now=now)
            body = {
                "dry_run": True,
                "ok": report.ok,
                "total_rows": len(report.rows),
                "problem_rows": report.problem_rows,
                "created": 0,
                "rows": report.as_data(),
            }
            return Response(self.OutputSerializer(body).data)
        created = allowance_csv_apply(
            course=course, data=content, actor=request_user(request), now=now
        )
        body = {
            "dry_run": False,
            "ok": True,
            "total_rows": len(created),
            "problem_rows": 0,
            "created": len(created),
            "rows": [],
        }
        return Response(self.OutputSerializer(body).data, status=201)
