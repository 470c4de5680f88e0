"""Redis hangs (its process stopped with SIGSTOP: connections are accepted, nothing answers)
while learners and providers use the site. Every request that queues a task, and the sign-in
page, answers within a couple of seconds, as with a dead Redis; the work they could not queue
is done by the sweeps once Redis answers again."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from proctoring import signing
from proctoring.models import CallbackDelivery, DeliveryStatus
from proctoring.tasks import callbacks_process_pending_task
from tests.factories import AttemptFactory, ExamFactory
from tests.faults.conftest import FAULT_MARKS

SECRET = "simulated-provider-secret"
pytestmark = [*FAULT_MARKS, pytest.mark.django_db(transaction=True)]

# A hung Redis must cost a request about what a dead one does; before the broker's timeouts a
# queued task waited for as long as Redis hung.
PROMPT_SECONDS = 5.0


def _answered_within(seconds: float, call, *args, **kwargs):
    """Run `call` on a thread; fail if it has not answered after `seconds`."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["response"] = call(*args, **kwargs)
        except BaseException as error:  # reported below
            outcome["error"] = error
        finally:
            connection.close()  # the thread's own database connection

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=seconds)
    assert not thread.is_alive(), f"{args[0]} did not answer within {seconds:.0f} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["response"]


def _review_callback(attempt_code: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {
            "delivery_id": "while-hung",
            "event": "review",
            "attempt_code": attempt_code,
            "occurred_at": timezone.now().isoformat(),
            "review": {"verdict": "passed", "flags": [], "comments": "ok"},
        }
    ).encode()
    return body, signing.signed_headers(secret=SECRET, body=body, now=timezone.now())


def test_a_hung_redis_costs_requests_seconds_not_minutes(own_redis, app_on_redis, course, learner):
    course.proctoring_provider = "simulated"
    course.save()
    attempt = AttemptFactory(
        exam=ExamFactory(course=course, proctored=True),
        learner=learner,
        status="submitted",
        completed_at=timezone.now(),
    )

    with app_on_redis(own_redis.url, eager=False):
        warm = Client().get("/accounts/login/")  # the broker and cache connections are pooled
        assert warm.status_code == 200
        own_redis.hang()
        try:
            body, signed = _review_callback(attempt.attempt_code)
            callback = _answered_within(
                PROMPT_SECONDS,
                Client().post,
                "/api/v1/proctoring/simulated/callback/",
                body,
                content_type="application/json",
                headers=signed,
            )
            login = _answered_within(PROMPT_SECONDS, Client().get, "/accounts/login/")
        finally:
            own_redis.unhang()

        assert callback.status_code == 202, callback.content[:500]
        assert login.status_code == 200
        delivery = CallbackDelivery.objects.get(delivery_id="while-hung")
        assert delivery.status == DeliveryStatus.RECEIVED  # stored; its task was not queued
        CallbackDelivery.objects.filter(pk=delivery.pk).update(
            received_at=timezone.now() - timedelta(minutes=2)
        )
        assert callbacks_process_pending_task() == 1

    delivery.refresh_from_db()
    attempt.refresh_from_db()
    assert (delivery.status, attempt.status) == (DeliveryStatus.APPLIED, "verified")
