"""Course staff's and support's API on attempts."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from exams import services
from exams.api.serializers import AttemptOutput, attempt_output
from exams.permissions import access_attempt_as_staff
from exams.policy import Action
from exams.rest.base import ApiView
from exams.rest.common import request_user
from exams.rest.errors import refusals
from exams.selectors.learner import attempt_summary


class AttemptResumeApi(ApiView):
    """Let a learner whose exam stopped with an error resume with the time that remained."""

    @extend_schema(request=None, responses={200: AttemptOutput, **refusals(403, 404, 409)})
    def post(self, request: Request, attempt_id: int) -> Response:
        attempt = access_attempt_as_staff(request.user, attempt_id, Action.ATTEMPTS_RESUME)
        now = timezone.now()
        attempt = services.attempt_resume(
            attempt_id=attempt.pk, actor=request_user(request), now=now
        )
        return Response(attempt_output(attempt_summary(attempt, now=now)))
