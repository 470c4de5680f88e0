"""The callback intake: authentication, raw storage, idempotency, order, and odd deliveries.

Each case asserts the exact response and the exact stored state.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from exams import services
from exams.models import AttemptTransition
from exams.statuses import AttemptStatus as S
from proctoring.models import CallbackDelivery, Review
from tests.proctoring.conftest import review

pytestmark = pytest.mark.django_db


def test_signed_review_is_stored_applied_and_mailed(deliver, proctored_attempt):
    response = deliver(review(proctored_attempt.attempt_code, "passed", delivery_id="d-1"))

    assert response.status_code == 202
    assert response.json() == {"delivery_id": "d-1", "status": "received", "duplicate": False}
    delivery = CallbackDelivery.objects.get()
    assert (delivery.status, delivery.outcome, delivery.event) == ("applied", "applied", "review")
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.VERIFIED
    assert [t.to_status for t in AttemptTransition.objects.filter(attempt=proctored_attempt)] == [
        S.SUBMITTED,
        S.VERIFIED,
    ]
    assert Review.objects.get().is_applied is True
    assert len(mail.outbox) == 1
    assert "Satisfactory" in mail.outbox[0].body


def test_bad_signature_is_refused_and_recorded(deliver, proctored_attempt):
    response = deliver(review(proctored_attempt.attempt_code), secret="wrong")

    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    delivery = CallbackDelivery.objects.get()
    assert (delivery.status, delivery.outcome) == ("rejected", "bad_signature")
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.COMPLETED


def test_unsigned_delivery_is_refused(deliver, proctored_attempt):
    response = deliver(review(proctored_attempt.attempt_code), headers={})

    assert response.status_code == 401
    assert response.json()["code"] == "missing_signature"
    assert CallbackDelivery.objects.get().outcome == "missing_signature"


def test_unsigned_body_with_a_nul_byte_is_refused_and_recorded(deliver):
    response = deliver(raw=b'{"event": "review", "note": "a\x00b"}', headers={})

    assert response.status_code == 401
    assert CallbackDelivery.objects.get().body == '{"event": "review", "note": "a\ufffdb"}'


@pytest.mark.parametrize("field", ["delivery_id", "attempt_code", "comments"])
def test_signed_body_with_a_nul_character_is_refused_with_400(deliver, proctored_attempt, field):
    payload = review(proctored_attempt.attempt_code)
    (payload["review"] if field == "comments" else payload)[field] = "a\u0000b"

    response = deliver(payload)

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.COMPLETED


def test_stale_timestamp_is_refused(deliver, proctored_attempt):
    response = deliver(
        review(proctored_attempt.attempt_code), when=timezone.now() - timedelta(minutes=10)
    )

    assert response.status_code == 401
    assert response.json()["code"] == "stale_timestamp"
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.COMPLETED


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'{"event": "review"}',
        b'{"delivery_id": "x", "event": "dance",'
        b' "attempt_code": "A", "occurred_at": "2026-01-01T00:00:00+00:00"}',
    ],
)
def test_malformed_body_is_refused_with_400(deliver, proctored_attempt, raw):
    response = deliver(raw=raw)

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"
    assert CallbackDelivery.objects.get().status == "rejected"


@pytest.mark.parametrize(
    "occurred_at",
    [
        "2026-13-01T00:00:00+00:00",  # well formed, impossible
        "2026-02-30T10:00:00Z",
        "9999-12-31T23:59:59-05:00",  # year 10000 in UTC
        "1970-01-01T00:00:00Z",
        "2026-11-02T09:00:00",  # no offset
        12,
    ],
)
def test_an_impossible_or_out_of_range_time_is_refused_with_400(
    deliver, proctored_attempt, occurred_at
):
    payload = review(proctored_attempt.attempt_code)
    payload["occurred_at"] = occurred_at

    response = deliver(payload)

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.COMPLETED


def test_unknown_verdict_is_refused(deliver, proctored_attempt):
    response = deliver(review(proctored_attempt.attempt_code, "maybe"))

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_verdict"


def test_duplicate_delivery_is_applied_once(deliver, proctored_attempt):
    payload = review(proctored_attempt.attempt_code, "passed", delivery_id="same")

    first = deliver(payload)
    second = deliver(payload)

    assert first.status_code == second.status_code == 202
    assert second.json() == {"delivery_id": "same", "status": "applied", "duplicate": True}
    assert CallbackDelivery.objects.count() == 1
    assert Review.objects.count() == 1
    assert AttemptTransition.objects.filter(attempt=proctored_attempt).count() == 2
    assert len(mail.outbox) == 1


def test_stale_review_never_overwrites_a_newer_one(deliver, proctored_attempt):
    now = timezone.now()
    deliver(review(proctored_attempt.attempt_code, "violation", at=now))

    deliver(review(proctored_attempt.attempt_code, "passed", at=now - timedelta(hours=1)))

    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.REJECTED
    stale = Review.objects.get(verdict="passed")
    assert (stale.is_applied, stale.not_applied_reason) == (False, "stale_review")
    assert CallbackDelivery.objects.filter(outcome="stale_review").count() == 1


def test_newer_review_overturns_an_older_one(deliver, proctored_attempt):
    now = timezone.now()
    deliver(review(proctored_attempt.attempt_code, "suspicious", at=now - timedelta(hours=1)))

    deliver(review(proctored_attempt.attempt_code, "passed", at=now))

    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.VERIFIED


def test_flags_that_do_not_affect_integrity_still_pass(deliver, proctored_attempt):
    deliver(review(proctored_attempt.attempt_code, "flagged_ok"))

    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.VERIFIED


def test_review_for_a_cleared_attempt_is_kept_but_not_applied(deliver, proctored_attempt, support):
    code = proctored_attempt.attempt_code
    services.attempt_clear(attempt_id=proctored_attempt.pk, actor=support)

    response = deliver(review(code, "violation"))

    assert response.status_code == 202
    delivery = CallbackDelivery.objects.get()
    assert (delivery.status, delivery.outcome) == ("ignored", "attempt_cleared")
    kept = Review.objects.get()
    assert (kept.attempt, kept.is_applied, kept.not_applied_reason) == (
        None,
        False,
        "attempt_cleared",
    )
    assert len(mail.outbox) == 0


def test_review_for_an_unknown_attempt_is_kept_but_not_applied(deliver, proctored_attempt):
    response = deliver(review("NO-SUCH-CODE", "passed"))

    assert response.status_code == 202
    delivery = CallbackDelivery.objects.get()
    assert (delivery.status, delivery.outcome) == ("ignored", "unknown_attempt")
    assert Review.objects.get().not_applied_reason == "unknown_attempt"


def test_review_for_a_running_attempt_is_held_until_the_exam_ends(
    deliver, proctored_attempt, django_capture_on_commit_callbacks
):
    """The review overtook the learner's submit: kept, and applied once the exam ends."""
    from exams import services as exam_services

    proctored_attempt.status = S.STARTED
    proctored_attempt.deadline_at = timezone.now() + timedelta(minutes=30)
    proctored_attempt.save()

    deliver(review(proctored_attempt.attempt_code, "violation"))

    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.STARTED
    delivery = CallbackDelivery.objects.get()
    assert (delivery.status, delivery.outcome) == ("ignored", "attempt_in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        exam_services.attempt_submit(
            attempt_id=proctored_attempt.pk, actor=proctored_attempt.learner
        )
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.REJECTED
    held = Review.objects.get()
    assert (held.is_applied, held.not_applied_reason) == (True, "")


def test_a_held_review_lost_with_its_task_is_applied_by_the_sweep(deliver, proctored_attempt):
    from exams.models import Attempt
    from proctoring.tasks import reviews_apply_held_missing_task

    Attempt.objects.filter(pk=proctored_attempt.pk).update(status=S.STARTED)
    deliver(review(proctored_attempt.attempt_code, "passed"))
    Attempt.objects.filter(pk=proctored_attempt.pk).update(status=S.COMPLETED)  # task lost
    Review.objects.update(received_at=timezone.now() - timedelta(minutes=2))

    assert (reviews_apply_held_missing_task(), reviews_apply_held_missing_task()) == (1, 0)
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.VERIFIED


def test_ready_error_and_upload_events_move_the_attempt(deliver, proctored_attempt):
    proctored_attempt.status = S.DOWNLOAD_SOFTWARE_CLICKED
    proctored_attempt.save()

    deliver(review(proctored_attempt.attempt_code, event="ready"))
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.READY_TO_START

    services.attempt_start(attempt_id=proctored_attempt.pk, actor=None)
    deliver({**review(proctored_attempt.attempt_code, event="error"), "reason": "crashed"})
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.ERROR
    assert proctored_attempt.paused_remaining_seconds is not None


def test_unknown_provider_is_not_found(deliver, proctored_attempt):
    response = deliver(review(proctored_attempt.attempt_code), provider="nobody")

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_provider"


def test_oversized_body_is_refused(deliver, proctored_attempt):
    response = deliver(raw=b"{" + b" " * (70 * 1024) + b"}")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
