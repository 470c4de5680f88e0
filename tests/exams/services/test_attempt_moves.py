"""Every attempt service from every status: one legal move, a no-op, or a refusal that changes
nothing (neither the attempt row nor its history)."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from exams import services
from exams.exceptions import DomainError
from exams.statuses import FINISHED, AttemptStatus
from tests.exams.helpers import history_of, snapshot

S = AttemptStatus
pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Spec:
    """What one service does from each status: moves (to one or more statuses), no-ops, and
    refusals (every other status) with the refusal's error code."""

    moves: dict[S, tuple[S, ...]] = field(default_factory=dict)
    noop: frozenset[S] = frozenset()
    refused_code: str = "illegal_transition"


CALLS: dict[str, Callable] = {
    "setup_begin": lambda attempt, staff, now: services.attempt_setup_begin(
        attempt_id=attempt.pk, actor=attempt.learner, now=now
    ),
    "mark_ready": lambda attempt, staff, now: services.attempt_mark_ready(
        attempt_id=attempt.pk, now=now
    ),
    "start": lambda attempt, staff, now: services.attempt_start(
        attempt_id=attempt.pk, actor=attempt.learner, now=now
    ),
    "stop": lambda attempt, staff, now: services.attempt_stop(
        attempt_id=attempt.pk, actor=attempt.learner, now=now
    ),
    "continue": lambda attempt, staff, now: services.attempt_continue(
        attempt_id=attempt.pk, actor=attempt.learner, now=now
    ),
    "submit": lambda attempt, staff, now: services.attempt_submit(
        attempt_id=attempt.pk, actor=attempt.learner, now=now
    ),
    "error": lambda attempt, staff, now: services.attempt_error(
        attempt_id=attempt.pk, actor=None, now=now
    ),
    "resume": lambda attempt, staff, now: services.attempt_resume(
        attempt_id=attempt.pk, actor=staff, now=now
    ),
    "session_submitted": lambda attempt, staff, now: services.attempt_session_submitted(
        attempt_id=attempt.pk, now=now
    ),
    "review_result": lambda attempt, staff, now: services.attempt_review_result(
        attempt_id=attempt.pk, result=S.VERIFIED, now=now
    ),
}


PROCTORED_STATUSES = [s for s in S if s != S.DECLINED]
# An unproctored attempt never enters the proctoring handshake, a review or an error.
UNPROCTORED_STATUSES = [
    S.CREATED,
    S.DECLINED,
    S.STARTED,
    S.READY_TO_SUBMIT,
    S.COMPLETED,
    S.TIMED_OUT,
]

PROCTORED = {
    "setup_begin": Spec(
        moves={S.CREATED: (S.DOWNLOAD_SOFTWARE_CLICKED,)},
        noop=frozenset({S.DOWNLOAD_SOFTWARE_CLICKED}),
    ),
    "mark_ready": Spec(
        moves={S.DOWNLOAD_SOFTWARE_CLICKED: (S.READY_TO_START,)}, noop=frozenset({S.READY_TO_START})
    ),
    "start": Spec(
        moves={S.READY_TO_START: (S.STARTED,)}, noop=frozenset({S.STARTED, S.READY_TO_SUBMIT})
    ),
    "stop": Spec(moves={S.STARTED: (S.READY_TO_SUBMIT,)}, noop=frozenset({S.READY_TO_SUBMIT})),
    "continue": Spec(moves={S.READY_TO_SUBMIT: (S.STARTED,)}, noop=frozenset({S.STARTED})),
    "submit": Spec(
        moves={S.STARTED: (S.COMPLETED,), S.READY_TO_SUBMIT: (S.COMPLETED,)}, noop=FINISHED
    ),
    "error": Spec(
        moves={
            s: (S.ERROR,)
            for s in (
                S.CREATED,
                S.DOWNLOAD_SOFTWARE_CLICKED,
                S.READY_TO_START,
                S.STARTED,
                S.READY_TO_SUBMIT,
                S.TIMED_OUT,
                S.COMPLETED,
                S.SUBMITTED,
                S.SECOND_REVIEW_REQUIRED,
            )
        },
        noop=frozenset({S.ERROR}),
    ),
    # The arranged `error` attempt stopped while running: it resumes at ready_to_start. An
    # attempt in setup or ready to start that did not come from a resume has nothing to resume.
    "resume": Spec(moves={S.ERROR: (S.READY_TO_START,)}, refused_code="not_resumable"),
    "session_submitted": Spec(
        moves={S.COMPLETED: (S.SUBMITTED,), S.TIMED_OUT: (S.SUBMITTED,)},
        noop=frozenset({S.SUBMITTED, S.SECOND_REVIEW_REQUIRED, S.VERIFIED, S.REJECTED, S.ERROR}),
    ),
    # The arranged `error` attempt stopped before the learner finished: nothing to review.
    "review_result": Spec(
        moves={
            S.COMPLETED: (S.SUBMITTED, S.VERIFIED),
            S.TIMED_OUT: (S.SUBMITTED, S.VERIFIED),
            S.SUBMITTED: (S.VERIFIED,),
            S.SECOND_REVIEW_REQUIRED: (S.VERIFIED,),
            S.REJECTED: (S.VERIFIED,),
        },
        noop=frozenset({S.VERIFIED}),
    ),
}

UNPROCTORED = {
    "setup_begin": Spec(),
    "mark_ready": Spec(),
    "start": Spec(
        moves={S.CREATED: (S.STARTED,), S.DECLINED: (S.STARTED,)},
        noop=frozenset({S.STARTED, S.READY_TO_SUBMIT}),
    ),
    "stop": Spec(moves={S.STARTED: (S.READY_TO_SUBMIT,)}, noop=frozenset({S.READY_TO_SUBMIT})),
    "continue": Spec(moves={S.READY_TO_SUBMIT: (S.STARTED,)}, noop=frozenset({S.STARTED})),
    "submit": Spec(
        moves={S.STARTED: (S.COMPLETED,), S.READY_TO_SUBMIT: (S.COMPLETED,)},
        noop=frozenset({S.COMPLETED, S.TIMED_OUT}),
    ),
    "error": Spec(),
    "resume": Spec(refused_code="not_resumable"),
    "session_submitted": Spec(),
    "review_result": Spec(),
}


def _cases(outcome: str) -> list:
    cases = []
    for proctored, table, statuses in (
        (True, PROCTORED, PROCTORED_STATUSES),
        (False, UNPROCTORED, UNPROCTORED_STATUSES),
    ):
        kind = "proctored" if proctored else "unproctored"
        for service, spec in table.items():
            for status in statuses:
                if status in spec.moves:
                    found = "move"
                elif status in spec.noop:
                    found = "noop"
                else:
                    found = "refused"
                if found == outcome:
                    cases.append(
                        pytest.param(
                            service, proctored, status, id=f"{service}-{kind}-{status.value}"
                        )
                    )
    return cases


def _spec(service: str, proctored: bool) -> Spec:
    return (PROCTORED if proctored else UNPROCTORED)[service]


@pytest.mark.parametrize(("service", "proctored", "status"), _cases("refused"))
def test_refused_move_raises_and_changes_nothing(
    attempt_in, instructor, now, service, proctored, status
):
    # given an attempt in a status from which this service has no move
    attempt = attempt_in(status, proctored=proctored)
    before = snapshot(attempt)

    # when the service is called
    with pytest.raises(DomainError) as raised:
        CALLS[service](attempt, instructor, now)

    # then it is refused with a stable code and neither the row nor its history changed
    assert raised.value.code == _spec(service, proctored).refused_code
    assert snapshot(attempt) == before


@pytest.mark.parametrize(("service", "proctored", "status"), _cases("noop"))
def test_move_already_made_returns_the_attempt_unchanged(
    attempt_in, instructor, now, service, proctored, status
):
    # given an attempt where the move this service makes has already happened
    attempt = attempt_in(status, proctored=proctored)
    before = snapshot(attempt)

    # when the service is called again
    returned = CALLS[service](attempt, instructor, now)

    # then it returns the attempt as it is, with no new history row
    assert returned.pk == attempt.pk
    assert returned.status == status
    assert snapshot(attempt) == before


@pytest.mark.parametrize(("service", "proctored", "status"), _cases("move"))
def test_legal_move_changes_the_status_and_writes_history(
    attempt_in, instructor, now, service, proctored, status
):
    # given an attempt from which this service has a legal move
    attempt = attempt_in(status, proctored=proctored)
    targets = _spec(service, proctored).moves[status]

    # when the service is called
    returned = CALLS[service](attempt, instructor, now)

    # then the attempt reached the target through exactly the expected history rows
    attempt.refresh_from_db()
    assert returned.status == attempt.status == targets[-1]
    path = [status, *targets]
    assert history_of(attempt) == [("", S.CREATED), *itertools.pairwise(path)]


@pytest.mark.parametrize(("service", "proctored", "status"), _cases("move"))
def test_same_move_again_adds_no_history(attempt_in, instructor, now, service, proctored, status):
    # given an attempt this service just moved
    attempt = attempt_in(status, proctored=proctored)
    CALLS[service](attempt, instructor, now)
    after_first = snapshot(attempt)

    # when the same call is repeated a moment later (a double click, a redelivered callback)
    again = CALLS[service](attempt, instructor, now + timedelta(seconds=2))

    # then nothing changes
    assert again.status == after_first["row"]["status"]
    assert snapshot(attempt) == after_first


def test_every_service_has_a_spec_for_both_kinds_of_attempt():
    assert set(PROCTORED) == set(UNPROCTORED) == set(CALLS)
    assert len(CALLS) == 10
