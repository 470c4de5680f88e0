"""The attempt's lifecycle as one table: every move is a verb with the statuses it leaves, the
status it reaches, the kinds of attempt it applies to, who may make it and what else it does.

Proctored and practice attempts pass the proctoring handshake (setup, the provider's "ready")
before they start; unproctored ones (timed exams, open exams, opted-out learners) start straight
from `created`. The engine (`exams.lifecycle.engine`) makes the moves; `docs/state-diagram.md`
is drawn from this table (`manage.py state_diagram`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from exams.exceptions import IllegalTransition
from exams.statuses import FINISHED, IN_PROGRESS, REVIEW_RESULTS, AttemptStatus

S = AttemptStatus


class Party(StrEnum):
    """Who makes a move: the learner, course or support staff, the proctoring provider (its
    callbacks), or the system (the sweeper, a read that finds the time run out)."""

    LEARNER = "learner"
    STAFF = "staff"
    PROVIDER = "provider"
    SYSTEM = "system"


class Effect(StrEnum):
    """What a move does besides changing the status and writing its history row."""

    NONE = ""
    START_CLOCK = "store the deadline"
    CLOSE = "close and grade"
    CLOSE_AT_DUE_DATE = "close at the due date and grade"
    PAUSE_CLOCK = "keep the seconds that remained"


class Kind(StrEnum):
    PROCTORED = "proctored"
    UNPROCTORED = "unproctored"


@dataclass(frozen=True)
class Move:
    verb: str
    # The statuses the move leaves, by kind of attempt: a kind not named cannot make it.
    sources: Mapping[Kind, frozenset[AttemptStatus]]
    target: AttemptStatus
    parties: frozenset[Party]
    effect: Effect = Effect.NONE
    # Statuses in which the move counts as made already: the attempt is returned unchanged,
    # so a retry or a double click is harmless.
    done: frozenset[AttemptStatus] = frozenset()
    # A running attempt whose deadline has passed is timed out instead (the `expire` move).
    overdue_times_out: bool = False
    # What the diagram says about the move, and the reason its history row gives by default.
    label: str = ""
    why: str = ""


def _m(*statuses: AttemptStatus) -> frozenset[AttemptStatus]:
    return frozenset(statuses)


def _both(statuses: frozenset[AttemptStatus]) -> Mapping[Kind, frozenset[AttemptStatus]]:
    return {Kind.PROCTORED: statuses, Kind.UNPROCTORED: statuses}


def _proctored(statuses: frozenset[AttemptStatus]) -> Mapping[Kind, frozenset[AttemptStatus]]:
    return {Kind.PROCTORED: statuses}


_LEARNER = frozenset({Party.LEARNER})
_STAFF = frozenset({Party.STAFF})
_PROVIDER = frozenset({Party.PROVIDER})
_REVIEWERS = frozenset({Party.PROVIDER, Party.STAFF})
# A proctored attempt before its exam began, and one that ended but has no review result yet.
_SET_UP = _m(S.CREATED, S.DOWNLOAD_SOFTWARE_CLICKED, S.READY_TO_START)
_UNREVIEWED = _m(S.COMPLETED, S.TIMED_OUT, S.SUBMITTED, S.SECOND_REVIEW_REQUIRED)

# fmt: off
MOVES: tuple[Move, ...] = (
    Move("decline", {Kind.UNPROCTORED: _m(S.CREATED)}, S.DECLINED, _LEARNER,
         label="verified learner opts out of proctoring", why="chose no proctoring"),
    Move("begin_setup", _proctored(_m(S.CREATED)), S.DOWNLOAD_SOFTWARE_CLICKED, _LEARNER,
         done=_m(S.DOWNLOAD_SOFTWARE_CLICKED), label="learner begins setup", why="setup begun"),
    Move("mark_ready", _proctored(_m(S.DOWNLOAD_SOFTWARE_CLICKED)), S.READY_TO_START, _PROVIDER,
         done=_m(S.READY_TO_START), label="provider confirms checks",
         why="provider checks passed"),
    Move("start", {Kind.PROCTORED: _m(S.READY_TO_START),
                   Kind.UNPROCTORED: _m(S.CREATED, S.DECLINED)}, S.STARTED, _LEARNER,
         effect=Effect.START_CLOCK, done=IN_PROGRESS, label="learner starts"),
    Move("stop", _both(_m(S.STARTED)), S.READY_TO_SUBMIT, _LEARNER,
         done=_m(S.READY_TO_SUBMIT), overdue_times_out=True, label='"End my exam"'),
    Move("continue", _both(_m(S.READY_TO_SUBMIT)), S.STARTED, _LEARNER,
         done=_m(S.STARTED), overdue_times_out=True, label='"Continue working"',
         why="continue working"),
    Move("submit", _both(IN_PROGRESS), S.COMPLETED, _LEARNER,
         effect=Effect.CLOSE, done=FINISHED, overdue_times_out=True, label="learner submits"),
    Move("expire", _both(IN_PROGRESS), S.TIMED_OUT, frozenset({Party.SYSTEM}),
         effect=Effect.CLOSE, done=FINISHED, label="deadline passed", why="deadline passed"),
    Move("software_stopped", _proctored(_SET_UP | IN_PROGRESS), S.ERROR, _LEARNER,
         effect=Effect.PAUSE_CLOCK, done=_m(S.ERROR), overdue_times_out=True,
         label="page reports the software stopped", why="proctoring error"),
    Move("fail", _proctored(_SET_UP | IN_PROGRESS | _UNREVIEWED), S.ERROR, _PROVIDER,
         effect=Effect.PAUSE_CLOCK, done=_m(S.ERROR), overdue_times_out=True,
         label="provider reports an error", why="proctoring error"),
    Move("upload_confirmed", _proctored(_m(S.COMPLETED, S.TIMED_OUT)), S.SUBMITTED, _REVIEWERS,
         done=_m(S.SUBMITTED) | REVIEW_RESULTS, label="provider confirms upload",
         why="session uploaded"),
    Move("review_satisfactory",
         _proctored(_m(S.SUBMITTED, S.SECOND_REVIEW_REQUIRED, S.REJECTED, S.ERROR)),
         S.VERIFIED, _REVIEWERS, done=_m(S.VERIFIED), label="review Satisfactory",
         why="review received"),
    Move("review_unsatisfactory",
         _proctored(_m(S.SUBMITTED, S.SECOND_REVIEW_REQUIRED, S.VERIFIED, S.ERROR)),
         S.REJECTED, _REVIEWERS, done=_m(S.REJECTED), label="review Unsatisfactory",
         why="review received"),
    Move("review_second", _proctored(_m(S.SUBMITTED)), S.SECOND_REVIEW_REQUIRED, _REVIEWERS,
         done=_m(S.SECOND_REVIEW_REQUIRED), label="second review required", why="review received"),
    Move("review_error", _proctored(_SET_UP | _UNREVIEWED), S.ERROR, _REVIEWERS,
         done=_m(S.ERROR), label="review could not be made", why="review received"),
    Move("resume_setup", _proctored(_m(S.ERROR)), S.DOWNLOAD_SOFTWARE_CLICKED, _STAFF,
         label="staff resume (not yet started)", why="resumed by staff"),
    Move("resume", _proctored(_m(S.ERROR)), S.READY_TO_START, _STAFF,
         label="staff resume (time that remained)", why="resumed by staff"),
    Move("resume_too_late", _proctored(_m(S.ERROR)), S.TIMED_OUT, _STAFF,
         effect=Effect.CLOSE_AT_DUE_DATE, label="staff resume after the due date",
         why="resumed after the due date"),
)
# fmt: on

BY_VERB: dict[str, Move] = {move.verb: move for move in MOVES}
assert len(BY_VERB) == len(MOVES), "two moves share a verb"


def _kind(proctored: bool) -> Kind:
    return Kind.PROCTORED if proctored else Kind.UNPROCTORED


def sources(move: Move, *, proctored: bool) -> frozenset[AttemptStatus]:
    """The statuses the move leaves, for this kind of attempt (none if it does not apply)."""
    return move.sources.get(_kind(proctored), frozenset())


@cache
def moves(*, proctored: bool) -> dict[AttemptStatus, frozenset[AttemptStatus]]:
    """Which status may directly follow which, for a proctored or an unproctored attempt."""
    table: dict[AttemptStatus, set[AttemptStatus]] = {status: set() for status in S}
    for move in MOVES:
        for source in sources(move, proctored=proctored):
            table[source].add(move.target)
    return {status: frozenset(targets) for status, targets in table.items()}


def is_legal(current: str, target: str, *, proctored: bool) -> bool:
    return AttemptStatus(target) in moves(proctored=proctored)[AttemptStatus(current)]


def check_transition(current: str, target: str, *, proctored: bool) -> None:
    """Raise IllegalTransition unless `target` may directly follow `current`."""
    if not is_legal(current, target, proctored=proctored):
        raise IllegalTransition(current=current, target=target)
