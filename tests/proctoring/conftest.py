import json
import uuid
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from proctoring import signing
from tests.factories import AttemptFactory, ExamFactory

SECRET = "simulated-provider-secret"


@pytest.fixture
def proctored_attempt(course, learner):
    course.proctoring_provider = "simulated"
    course.save()
    exam = ExamFactory(course=course, proctored=True, review_rules="Allow a calculator.")
    return AttemptFactory(
        exam=exam, learner=learner, status="completed", completed_at=timezone.now()
    )


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """POST a signed callback to the simulated provider's endpoint and run its processing."""

    def send(
        payload=None, *, raw=None, secret=SECRET, when=None, headers=None, provider="simulated"
    ):
        body = raw if raw is not None else json.dumps(payload).encode()
        signed = signing.signed_headers(secret=secret, body=body, now=when or timezone.now())
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
        if headers is not None:
            extra = headers
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/api/v1/proctoring/{provider}/callback/",
                data=body,
                content_type="application/json",
                **extra,
            )

    return send


def review(attempt_code, verdict="passed", *, at=None, delivery_id=None, event="review"):
    occurred = at or datetime.now(UTC)
    return {
        "delivery_id": delivery_id or uuid.uuid4().hex,
        "event": event,
        "attempt_code": attempt_code,
        "occurred_at": occurred.isoformat(),
        "review": {"verdict": verdict, "flags": [], "comments": "ok"},
    }
