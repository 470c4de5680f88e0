"""Provider callbacks: authenticated by signature, stored raw, answered at once."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from exams.client_address import client_address
from exams.rest.base import ApiView
from exams.rest.errors import refusals
from proctoring.exceptions import CallbackRejected
from proctoring.models import DeliveryStatus
from proctoring.services import callback_receive

AUTH_FAILURES = {
    "missing_signature",
    "bad_signature",
    "stale_timestamp",
    "bad_timestamp",
    "bad_token",
    "not_configured",
}


class CallbackRateThrottle(SimpleRateThrottle):
    """Callbacks per provider and sending address: PROCTORING_CALLBACK_RATE_PER_MINUTE."""

    def get_rate(self) -> str:
        return f"{settings.PROCTORING_CALLBACK_RATE_PER_MINUTE}/min"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        provider = view.kwargs.get("provider", "") if hasattr(view, "kwargs") else ""
        return f"throttle_callback_{provider}_{client_address(request)}"


class CallbackApi(ApiView):
    """Receive one callback from a provider (HMAC over timestamp + body, or a bearer token)."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [CallbackRateThrottle]

    @extend_schema(
        request={
            "application/json": {
                "type": "object",
                "description": (
                    "The provider's own JSON (the generic format: delivery_id, event, "
                    "attempt_code, occurred_at, review), at most "
                    f"{settings.PROCTORING_CALLBACK_MAX_BYTES // 1024} KiB, signed in the "
                    "X-Proctoring-Signature and X-Proctoring-Timestamp headers."
                ),
            }
        },
        responses={
            202: inline_serializer(
                "CallbackAccepted",
                {
                    "delivery_id": serializers.CharField(),
                    "status": serializers.ChoiceField(choices=DeliveryStatus.choices),
                    "duplicate": serializers.BooleanField(),
                },
            ),
            # 400 unreadable body, 401 not authenticated, 404 unknown provider, 413 too
            # large, 429 too many from one address: every one in the API's error shape.
            **refusals(400, 401, 404, 413, 429),
        },
    )
    def post(self, request: Request, provider: str) -> Response:
        body = request.body
        if len(body) > settings.PROCTORING_CALLBACK_MAX_BYTES:
            return Response(
                {"code": "payload_too_large", "message": "The body is too large.", "extra": {}},
                status=413,
            )
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            delivery, is_new = callback_receive(provider_name=provider, headers=headers, body=body)
        except CallbackRejected as rejection:
            status = 401 if rejection.code in AUTH_FAILURES else 400
            return Response(
                {"code": rejection.code, "message": rejection.message, "extra": {}},
                status=status,
            )
        return Response(
            {
                "delivery_id": delivery.delivery_id,
                "status": delivery.status,
                "duplicate": not is_new,
            },
            status=202,
        )
