"""attempt_session_submitted and attempt_review_result: the provider's side after the exam."""

import pytest

from exams import services
from exams.exceptions import DomainError
from exams.statuses import AttemptStatus as S
from tests.exams.helpers import history_of, snapshot

pytestmark = pytest.mark.django_db


def _review(attempt, result, now, reason=""):
    return services.attempt_review_result(
        attempt_id=attempt.pk, result=result, now=now, reason=reason
    )


@pytest.mark.parametrize("ended", [S.COMPLETED, S.TIMED_OUT])
@pytest.mark.parametrize("result", [S.VERIFIED, S.REJECTED, S.SECOND_REVIEW_REQUIRED])
def test_review_of_an_ended_attempt_passes_through_submitted(attempt_in, now, ended, result):
    attempt = attempt_in(ended)

    reviewed = _review(attempt, result, now, reason="reviewer notes")

    reviewed.refresh_from_db()
    assert reviewed.status == result
    assert history_of(reviewed) == [("", S.CREATED), (ended, S.SUBMITTED), (S.SUBMITTED, result)]
    assert list(reviewed.transitions.order_by("id").values_list("reason", flat=True)[1:]) == [
        "review received",
        "reviewer notes",
    ]


def test_review_error_of_a_completed_attempt_is_one_move(attempt_in, now):
    attempt = attempt_in(S.COMPLETED)

    reviewed = _review(attempt, S.ERROR, now)

    assert reviewed.status == S.ERROR
    assert history_of(reviewed)[1:] == [(S.COMPLETED, S.ERROR)]


def test_same_review_result_twice_changes_nothing(attempt_in, now):
    attempt = attempt_in(S.COMPLETED)
    _review(attempt, S.VERIFIED, now)
    before = snapshot(attempt)

    again = _review(attempt, S.VERIFIED, now)

    assert again.status == S.VERIFIED
    assert snapshot(attempt) == before


@pytest.mark.parametrize(("first", "newer"), [(S.VERIFIED, S.REJECTED), (S.REJECTED, S.VERIFIED)])
def test_newer_review_overturns_an_earlier_result(attempt_in, now, first, newer):
    attempt = attempt_in(S.SUBMITTED)
    _review(attempt, first, now)

    reviewed = _review(attempt, newer, now)

    assert reviewed.status == newer
    assert history_of(reviewed)[1:] == [(S.SUBMITTED, first), (first, newer)]


def test_second_review_required_then_a_result(attempt_in, now):
    attempt = attempt_in(S.SUBMITTED)
    _review(attempt, S.SECOND_REVIEW_REQUIRED, now)

    reviewed = _review(attempt, S.REJECTED, now)

    assert reviewed.status == S.REJECTED
    assert history_of(reviewed)[1:] == [
        (S.SUBMITTED, S.SECOND_REVIEW_REQUIRED),
        (S.SECOND_REVIEW_REQUIRED, S.REJECTED),
    ]


@pytest.mark.parametrize("result", [S.COMPLETED, S.STARTED, S.SUBMITTED, "satisfactory"])
def test_a_status_that_is_no_review_result_is_refused(attempt_in, now, result):
    attempt = attempt_in(S.SUBMITTED)
    before = snapshot(attempt)

    with pytest.raises(DomainError) as raised:
        _review(attempt, result, now)

    assert raised.value.code == "invalid_input"
    assert snapshot(attempt) == before


@pytest.mark.parametrize(
    ("status", "result"),
    [
        (S.VERIFIED, S.SECOND_REVIEW_REQUIRED),
        (S.REJECTED, S.ERROR),
        (S.STARTED, S.VERIFIED),
        (S.READY_TO_START, S.REJECTED),
    ],
)
def test_review_result_without_a_legal_move_changes_nothing(attempt_in, now, status, result):
    attempt = attempt_in(status)
    before = snapshot(attempt)

    with pytest.raises(DomainError) as raised:
        _review(attempt, result, now)

    assert raised.value.code == "illegal_transition"
    assert snapshot(attempt) == before


def test_review_of_an_unproctored_attempt_is_refused_without_a_half_move(attempt_in, now):
    # completed -> submitted would be legal for a proctored attempt; nothing is half-applied
    attempt = attempt_in(S.COMPLETED, proctored=False)
    before = snapshot(attempt)

    with pytest.raises(DomainError) as raised:
        _review(attempt, S.VERIFIED, now)

    assert raised.value.code == "illegal_transition"
    assert snapshot(attempt) == before


def test_session_submitted_then_review_is_one_move_each(attempt_in, now):
    attempt = attempt_in(S.TIMED_OUT)

    services.attempt_session_submitted(attempt_id=attempt.pk, now=now)
    services.attempt_session_submitted(attempt_id=attempt.pk, now=now)
    _review(attempt, S.VERIFIED, now)

    assert history_of(attempt)[1:] == [(S.TIMED_OUT, S.SUBMITTED), (S.SUBMITTED, S.VERIFIED)]


def test_late_upload_confirmation_does_not_undo_a_review(attempt_in, now):
    attempt = attempt_in(S.COMPLETED)
    _review(attempt, S.REJECTED, now)
    before = snapshot(attempt)

    again = services.attempt_session_submitted(attempt_id=attempt.pk, now=now)

    assert again.status == S.REJECTED
    assert snapshot(attempt) == before


def test_support_settles_the_review_of_an_attempt_whose_upload_failed(attempt_in, now):
    attempt = attempt_in(S.COMPLETED)
    services.attempt_error(attempt_id=attempt.pk, actor=None, now=now, reason="upload failed")

    reviewed = _review(attempt, S.VERIFIED, now, reason="settled by support")

    assert reviewed.status == S.VERIFIED
    assert history_of(reviewed)[1:] == [(S.COMPLETED, S.ERROR), (S.ERROR, S.VERIFIED)]


def test_review_of_an_attempt_that_errored_before_the_end_is_refused(attempt_in, now):
    attempt = attempt_in(S.ERROR)
    before = snapshot(attempt)

    with pytest.raises(DomainError) as raised:
        _review(attempt, S.REJECTED, now)

    assert raised.value.code == "illegal_transition"
    assert raised.value.message == (
        "This attempt stopped with an error before the learner finished the exam; "
        "let the learner resume instead."
    )
    assert snapshot(attempt) == before


@pytest.mark.parametrize("status", [S.STARTED, S.READY_TO_SUBMIT])
@pytest.mark.parametrize("result", [S.ERROR, S.VERIFIED])
def test_review_of_an_attempt_still_running_is_refused(attempt_in, now, status, result):
    # an `error` review would stop the exam without keeping the time that remained
    attempt = attempt_in(status)
    before = snapshot(attempt)

    with pytest.raises(DomainError) as raised:
        _review(attempt, result, now)

    assert raised.value.code == "illegal_transition"
    assert raised.value.message == (
        "The learner is still taking this exam; a review can only follow its end."
    )
    assert snapshot(attempt) == before


@pytest.mark.parametrize("status", [S.CREATED, S.DOWNLOAD_SOFTWARE_CLICKED, S.READY_TO_START])
def test_review_error_before_the_exam_began_stops_the_attempt(attempt_in, now, status):
    attempt = attempt_in(status)

    reviewed = _review(attempt, S.ERROR, now)

    assert reviewed.status == S.ERROR
    assert history_of(reviewed)[1:] == [(status, S.ERROR)]
