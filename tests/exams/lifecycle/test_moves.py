"""The table of moves as data: every (from, to) pair of both kinds of attempt, and each move's
verb, maker and no-op statuses. Pure, no database."""

import itertools

import pytest

from exams.exceptions import IllegalTransition
from exams.lifecycle.moves import BY_VERB, MOVES, Party, check_transition, is_legal, moves
from exams.statuses import FINISHED, IN_PROGRESS, PRE_START, AttemptStatus, csv_label

S = AttemptStatus
PROCTORED_MOVES = moves(proctored=True)
UNPROCTORED_MOVES = moves(proctored=False)
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


def _pairs(*rows):
    return {(S(a), S(b)) for a, targets in rows for b in targets.split()}


# The legal (from, to) pairs, written out by hand: a change to the table of moves that adds or
# removes one must change this too.
PROCTORED_PAIRS = _pairs(
    ("created", "download_software_clicked error"),
    ("download_software_clicked", "ready_to_start error"),
    ("ready_to_start", "started error"),
    ("started", "ready_to_submit completed timed_out error"),
    ("ready_to_submit", "started completed timed_out error"),
    ("timed_out", "submitted error"),
    ("completed", "submitted error"),
    ("submitted", "verified rejected second_review_required error"),
    ("second_review_required", "verified rejected error"),
    ("verified", "rejected"),
    ("rejected", "verified"),
    ("error", "download_software_clicked ready_to_start timed_out verified rejected"),
)
UNPROCTORED_PAIRS = _pairs(
    ("created", "started declined"),
    ("declined", "started"),
    ("started", "ready_to_submit completed timed_out"),
    ("ready_to_submit", "started completed timed_out"),
)


@pytest.mark.parametrize(
    ("proctored", "pairs"), [(True, PROCTORED_PAIRS), (False, UNPROCTORED_PAIRS)]
)
def test_the_moves_allow_exactly_the_pairs_written_out(proctored, pairs):
    table = moves(proctored=proctored)

    assert {(a, b) for a, targets in table.items() for b in targets} == pairs


def test_every_verb_is_made_by_someone_and_reaches_a_status():
    for move in MOVES:
        assert move.parties, move.verb
        assert move.sources, move.verb
        assert move.label, move.verb
    assert len(BY_VERB) == len(MOVES)


@pytest.mark.parametrize(
    ("verb", "parties"),
    [
        ("start", {Party.LEARNER}),
        ("submit", {Party.LEARNER}),
        ("expire", {Party.SYSTEM}),
        ("mark_ready", {Party.PROVIDER}),
        ("resume", {Party.STAFF}),
        ("resume_too_late", {Party.STAFF}),
        ("review_satisfactory", {Party.PROVIDER, Party.STAFF}),
    ],
)
def test_who_may_make_a_move_is_declared(verb, parties):
    assert BY_VERB[verb].parties == parties


def test_no_move_is_a_no_op_in_the_status_it_leaves():
    for move in MOVES:
        for statuses in move.sources.values():
            assert not (statuses & move.done), move.verb


def test_the_pair_count_covers_every_status_twice_over():
    assert len(EVERY_PAIR) == 2 * 13 * 13


@pytest.mark.parametrize("proctored", [True, False])
def test_every_status_is_a_key_of_the_table(proctored):
    assert set(moves(proctored=proctored)) == set(S)


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
