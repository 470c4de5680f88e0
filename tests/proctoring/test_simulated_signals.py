"""The simulated software's signals: the learner's request only queues the vendor's callback
(no HTTP call back to this server inside it); the worker sends it, and a send retried after a
failure is the same delivery."""

import urllib.request
from typing import Any

import pytest
from celery.exceptions import Retry

from exams.statuses import AttemptStatus as S
from proctoring.exceptions import ProviderUnavailable
from proctoring.models import CallbackDelivery
from proctoring.simulated import vendor
from proctoring.tasks import simulated_send_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch) -> list[tuple[Any, ...]]:
    """The tasks queued (not run), with every outgoing HTTP call refused."""
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(simulated_send_task, "delay", lambda *args: calls.append(args))

    def no_http(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("an HTTP call inside the learner's request")

    monkeypatch.setattr(urllib.request, "urlopen", no_http)
    return calls


def _signal(client, attempt, **form: str):
    path = f"/proctoring/simulated/software/{attempt.attempt_code}/signal/"
    return client.post(path, form)


def test_a_signal_is_queued_and_answered_at_once(client, learner, proctored_attempt, queued):
    client.force_login(learner)

    answer = _signal(client, proctored_attempt, event="error", reason="crash")

    assert answer.status_code == 202
    assert answer.json() == {"event": "error", "queued": True}
    [(base_url, payload)] = queued
    assert base_url == "http://testserver/"
    assert payload["event"] == "error"
    assert payload["attempt_code"] == proctored_attempt.attempt_code
    assert payload["reason"] == "the software crashed"
    assert payload["delivery_id"] and payload["occurred_at"]


def test_a_signal_while_the_broker_is_down_says_so(client, learner, proctored_attempt, monkeypatch):
    monkeypatch.setattr(vendor, "enqueue", lambda *args, **kwargs: False)
    client.force_login(learner)

    answer = _signal(client, proctored_attempt, event="heartbeat")

    assert answer.status_code == 503
    assert answer.json()["code"] == "provider_unavailable"


def test_a_verdict_from_the_desk_is_queued(client, support, proctored_attempt, queued):
    proctored_attempt.status = S.SUBMITTED
    proctored_attempt.save()
    client.force_login(support)

    answer = client.post(
        "/proctoring/simulated/reviewer/",
        {"attempt_code": proctored_attempt.attempt_code, "verdict": "passed", "seen_review": ""},
        follow=True,
    )

    assert answer.status_code == 200
    assert "once the exam has applied it" in answer.content.decode()
    [(_, payload)] = queued
    assert payload["review"]["verdict"] == "passed"


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_callback_and_a_retry_is_the_same_delivery(
    live_server, learner, proctored_attempt, monkeypatch
):
    proctored_attempt.status = S.STARTED
    proctored_attempt.save()
    sent: list[str] = []
    real_send = vendor.send

    def flaky_send(*, base_url: str, payload: dict[str, Any]) -> dict[str, Any]:
        sent.append(payload["delivery_id"])
        answer = real_send(base_url=base_url, payload=payload)
        if len(sent) == 1:
            raise ProviderUnavailable("the answer was lost")  # delivered, but not acknowledged
        return answer

    monkeypatch.setattr(vendor, "send", flaky_send)
    payload = {
        "delivery_id": "d-simulated-1",
        "event": "error",
        "attempt_code": proctored_attempt.attempt_code,
        "occurred_at": "2026-12-04T10:00:00+00:00",
        "reason": "the software crashed",
    }

    with pytest.raises(Retry):  # the worker sends it again later, with the same arguments
        simulated_send_task.apply(args=[live_server.url + "/", payload])
    simulated_send_task.apply(args=[live_server.url + "/", payload])

    assert sent == ["d-simulated-1", "d-simulated-1"]
    assert CallbackDelivery.objects.filter(delivery_id="d-simulated-1").count() == 1
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.ERROR
