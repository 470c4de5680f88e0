"""The learner's API: exams, attempts, actions on an attempt, answers."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from exams import services
from exams.api.serializers import AttemptOutput, ExamOutput, attempt_output
from exams.exceptions import NotFound
from exams.models import Attempt
from exams.permissions import (
    access_attempt_as_staff,
    access_course_as_learner,
    access_exam_as_learner,
)
from exams.policy import Action
from exams.rest.base import ApiView
from exams.rest.common import request_user
from exams.rest.errors import refusals
from exams.rest.gate import learner_attempt
from exams.selectors.learner import (
    attempt_current,
    attempt_summary,
    exam_for_learner,
    exams_for_learner,
)
from exams.services.expiry import attempt_refresh


class CourseExamListApi(ApiView):
    """The course's exams visible to the learner, each with their attempt summary."""

    @extend_schema(responses={200: ExamOutput(many=True), **refusals(403, 404)})
    def get(self, request: Request, course_id: str) -> Response:
        course = access_course_as_learner(request.user, course_id)
        items = exams_for_learner(course=course, learner=request_user(request), now=timezone.now())
        return Response(ExamOutput(items, many=True).data)


class ExamDetailApi(ApiView):
    """One exam for this learner: the current attempt (or null) and the choices offered."""

    @extend_schema(responses={200: ExamOutput, **refusals(403, 404)})
    def get(self, request: Request, exam_id: int) -> Response:
        exam = access_exam_as_learner(request.user, exam_id)
        learner = request_user(request)
        now = timezone.now()
        current = attempt_current(exam=exam, learner_id=learner.pk)
        if current is not None:
            current = attempt_refresh(current, now=now)
        item = exam_for_learner(exam=exam, learner=learner, attempt=current, now=now)
        return Response(ExamOutput(item).data)


class AttemptCreateApi(ApiView):
    """Create the learner's attempt. `proctored: false` on a proctored exam is the opt-out."""

    @extend_schema_serializer(component_name="AttemptCreateInput")
    class InputSerializer(serializers.Serializer):
        proctored = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=InputSerializer,
        responses={201: AttemptOutput, **refusals(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, exam_id: int) -> Response:
        exam = access_exam_as_learner(request.user, exam_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        attempt = services.attempt_create(
            exam=exam,
            learner=request_user(request),
            proctored=data.validated_data["proctored"],
            language=translation.get_language() or "",
            now=now,
        )
        return Response(attempt_output(attempt_summary(attempt, now=now)), status=201)


class AttemptDetailApi(ApiView):
    """GET: the learner's own attempt, its status and the server's clock (browsers poll this).
    DELETE: course staff or support clear the attempt (see `delete`)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The timer poll, answered before DRF's dispatch through the learner's gate (one query
        when the session vouches for the learner; see exams.rest.gate). Anything else (another
        method, a browsable-API request, a refusal) goes through DRF, whose `get` passes the
        same gate and answers the same JSON and every refusal."""
        if request.method == "GET" and _plain_json_request(request):
            try:
                attempt = learner_attempt(request, kwargs["attempt_id"])
            except NotFound:
                pass  # DRF answers the refusal (403 to nobody signed in, else 404)
            else:
                return self._poll_response(attempt)
        return super().dispatch(request, *args, **kwargs)

    def _poll_response(self, attempt: Attempt) -> HttpResponse:
        now = timezone.now()
        attempt = attempt_refresh(attempt, now=now)
        data = attempt_output(attempt_summary(attempt, now=now))
        response = HttpResponse(JSONRenderer().render(data), content_type="application/json")
        response["Allow"] = ", ".join(self.allowed_methods)
        patch_vary_headers(response, ["Accept"])
        return response

    @extend_schema(responses={200: AttemptOutput, **refusals(403, 404)})
    def get(self, request: Request, attempt_id: int) -> Response:
        now = timezone.now()
        attempt = attempt_refresh(learner_attempt(request, attempt_id), now=now)
        return Response(attempt_output(attempt_summary(attempt, now=now)))

    @extend_schema(request=None, responses={204: None, **refusals(403, 404)})
    def delete(self, request: Request, attempt_id: int) -> Response:
        """Clear an attempt (course staff and support only): the attempt and every answer in it
        are deleted, so the learner starts from the very beginning. Permanent; audited.
        A second DELETE answers 404."""
        attempt = access_attempt_as_staff(request.user, attempt_id, Action.ATTEMPTS_CLEAR)
        services.attempt_clear(attempt_id=attempt.pk, actor=request_user(request))
        return Response(status=204)


def _plain_json_request(request: HttpRequest) -> bool:
    """A request that DRF would answer with its JSON renderer: what the exam page's script and
    API clients send (no browsable-API page, no `?format=`)."""
    accept = request.headers.get("Accept", "*/*")
    return accept in ("*/*", "application/json") and not request.META.get("QUERY_STRING")


ActionService = Callable[..., Attempt]


class _AttemptActionApi(ApiView):
    """Base of the one-verb endpoints: check ownership, call one service, return the attempt."""

    reads_learner_with_attempt = True  # see exams.rest.authentication
    service: ActionService

    def call(self, request: Request, attempt: Attempt, now: Any) -> Attempt:
        return type(self).service(attempt_id=attempt.pk, actor=request_user(request), now=now)

    @extend_schema(request=None, responses={200: AttemptOutput, **refusals(403, 404, 409)})
    def post(self, request: Request, attempt_id: int) -> Response:
        attempt = learner_attempt(request, attempt_id)
        now = timezone.now()
        attempt = self.call(request, attempt, now)
        return Response(attempt_output(attempt_summary(attempt, now=now)))


class AttemptSetupApi(_AttemptActionApi):
    """Agree to proctoring and begin the proctoring software setup."""

    service = staticmethod(services.attempt_setup_begin)


class AttemptStartApi(_AttemptActionApi):
    """Start the clock (or restart it after a staff resume, with the time that remained)."""

    service = staticmethod(services.attempt_start)


class AttemptStopApi(_AttemptActionApi):
    """Ask to end the exam; the clock keeps running until the learner confirms."""

    service = staticmethod(services.attempt_stop)


class AttemptContinueApi(_AttemptActionApi):
    """Go back to the exam instead of ending it."""

    service = staticmethod(services.attempt_continue)


class AttemptSubmitApi(_AttemptActionApi):
    """End the exam; every saved answer is graded."""

    service = staticmethod(services.attempt_submit)


class AttemptResetApi(_AttemptActionApi):
    """Practice exams: start a new attempt after finishing one."""

    service = staticmethod(services.attempt_practice_reset)

    @extend_schema(request=None, responses={200: AttemptOutput, **refusals(400, 403, 404, 409)})
    def post(self, request: Request, attempt_id: int) -> Response:
        return super().post(request, attempt_id)


class AttemptErrorApi(_AttemptActionApi):
    """The page reports that the proctoring software stopped answering."""

    @extend_schema_serializer(component_name="AttemptErrorInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def call(self, request: Request, attempt: Attempt, now: Any) -> Attempt:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data.get("reason") or "proctoring software stopped answering"
        return services.attempt_error(
            attempt_id=attempt.pk,
            actor=request_user(request),
            now=now,
            reason=f"reported by page: {reason}",
            by_learner=True,
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: AttemptOutput, **refusals(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, attempt_id: int) -> Response:
        return super().post(request, attempt_id)


class AnswerSaveApi(ApiView):
    """Save the learner's answer to one question; refused after the deadline."""

    reads_learner_with_attempt = True  # see exams.rest.authentication

    @extend_schema_serializer(component_name="AnswerSaveInput")
    class InputSerializer(serializers.Serializer):
        response = serializers.JSONField(
            help_text=_("A list of choice ids, a number (as text), or text, by question kind.")
        )

    @extend_schema_serializer(component_name="AnswerSaveOutput")
    class OutputSerializer(serializers.Serializer):
        question_id = serializers.IntegerField()
        response = serializers.JSONField()
        saved_at = serializers.DateTimeField(source="modified")

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer, **refusals(400, 403, 404, 409, 415)},
    )
    def put(self, request: Request, attempt_id: int, question_id: int) -> Response:
        attempt = learner_attempt(request, attempt_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.answer_save(
            attempt_id=attempt.pk, question_id=question_id, response=data.validated_data["response"]
        )
        return Response(self.OutputSerializer(answer).data)
