"""The attempt state machine as data: every (from, to) pair of both tables. Pure, no database."""

import itertools

import pytest

from exams.exceptions import IllegalTransition
from exams.state_machine import (
    FINISHED,
    IN_PROGRESS,
    PRE_START,
    PROCTORED_MOVES,
    UNPROCTORED_MOVES,
    AttemptStatus,
    check_transition,
    csv_label,
    is_legal,
    moves,
)

S = AttemptStatus
TABLES = {True: PROCTORED_MOVES, False: UNPROCTORED_MOVES}
EVERY_PAIR = [
    pytest.param(proctored, current, target, id=f"{kind}-{current.value}-{target.value}")
    for proctored, kind in ((True, "proctored"), (False, "unproctored"))
    for current, target in itertools.product(S, S)
]


@pytest.mark.parametrize(("proctored", "current", "target"), EVERY_PAIR)
def test_check_transition_accepts_exactly_the_moves_in_the_table(proctored, current, target):
    # given the table for this kind of attempt
    legal = target in TABLES[proctored][current]

    # when the move is checked, then it passes only if the table lists it
    if legal:
        check_transition(current, target, proctored=proctored)
        assert is_legal(current, target, proctored=proctored) is True
    else:
        with pytest.raises(IllegalTransition) as raised:
            check_transition(current, target, proctored=proctored)
        assert raised.value.code == "illegal_transition"
        assert raised.value.extra == {"current": current, "target": target}
        assert is_legal(current, target, proctored=proctored) is False


def test_the_pair_count_covers_every_status_twice_over():
    assert len(EVERY_PAIR) == 2 * 13 * 13


@pytest.mark.parametrize("proctored", [True, False])
def test_every_status_is_a_key_of_the_table(proctored):
    assert set(moves(proctored=proctored)) == set(S)


@pytest.mark.parametrize("proctored", [True, False])
def test_moves_picks_the_table_for_the_kind_of_attempt(proctored):
    assert moves(proctored=proctored) is TABLES[proctored]


@pytest.mark.parametrize("proctored", [True, False])
@pytest.mark.parametrize("finished", sorted(FINISHED))
def test_no_finished_status_moves_back_to_in_progress_or_pre_start(proctored, finished):
    targets = TABLES[proctored][finished]

    assert targets & (IN_PROGRESS | PRE_START) == frozenset()


def test_unproctored_attempts_skip_the_proctoring_handshake():
    assert UNPROCTORED_MOVES[S.CREATED] == {S.STARTED, S.DECLINED}
    assert UNPROCTORED_MOVES[S.DOWNLOAD_SOFTWARE_CLICKED] == frozenset()
    assert UNPROCTORED_MOVES[S.READY_TO_START] == frozenset()


def test_proctored_attempts_cannot_start_without_the_provider_ready():
    assert S.STARTED not in PROCTORED_MOVES[S.CREATED]
    assert S.STARTED not in PROCTORED_MOVES[S.DOWNLOAD_SOFTWARE_CLICKED]
    assert PROCTORED_MOVES[S.READY_TO_START] == {S.STARTED, S.ERROR}


def test_unproctored_finished_statuses_are_final():
    assert all(UNPROCTORED_MOVES[status] == frozenset() for status in FINISHED)


def test_unknown_status_is_refused_with_value_error():
    with pytest.raises(ValueError):
        check_transition("paused", "started", proctored=True)


def test_illegal_transition_message_names_both_statuses():
    with pytest.raises(IllegalTransition) as raised:
        check_transition("completed", "started", proctored=True)

    assert raised.value.message == "An attempt in status 'completed' cannot move to 'started'."


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("ready_to_start", "ready to start"),
        ("timed_out", "timed out"),
        ("download_software_clicked", "download software clicked"),
        ("second_review_required", "second review required"),
        ("verified", "verified"),
    ],
)
def test_csv_label_writes_words_separated_by_spaces(status, label):
    assert csv_label(status) == label
