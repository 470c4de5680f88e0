"""Races on real row locks: PostgreSQL only.

Threads lined up on a barrier call the services at once, each on its own database connection
(closed at the end of the thread). Afterwards every attempt's history must be one legal path
with exactly one closing move, and nothing may be lost or doubled.
"""

import itertools
import random
import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from exams import services
from exams.exceptions import IllegalTransition
from exams.lifecycle.moves import is_legal
from exams.models import Answer, Attempt, AttemptTransition, ExamType
from exams.statuses import IN_PROGRESS, AttemptStatus
from tests.factories import EnrollmentFactory, ExamFactory, QuestionFactory, UserFactory

S = AttemptStatus

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (set DATABASE_URL); SQLite serialises every writer",
    ),
]

THREADS = 8
ATTEMPTS = 20
CREATE_THREADS = 20


def _run_threads(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run work(i) in `count` threads released together; return results and unexpected errors."""
    barrier = threading.Barrier(count, timeout=30)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(index: int) -> None:
        try:
            barrier.wait()
            result = work(index)
            with lock:
                results.append(result)
        except BaseException as error:  # report every failure to the main thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, errors


@pytest.fixture
def running_attempts(course, now):
    """ATTEMPTS proctored attempts of one exam, each started at `now` with two answers saved."""
    exam = ExamFactory(course=course, proctored=True, time_limit_minutes=60)
    right = QuestionFactory(exam=exam, numeric_answer=Decimal(42), points=Decimal(3))
    wrong = QuestionFactory(exam=exam, numeric_answer=Decimal(7), points=Decimal(2))
    QuestionFactory(exam=exam, points=Decimal(5))
    attempts = []
    for _ in range(ATTEMPTS):
        learner = UserFactory()
        EnrollmentFactory(user=learner, course=course)
        attempt = services.attempt_create(exam=exam, learner=learner, proctored=True, now=now)
        services.attempt_setup_begin(attempt_id=attempt.pk, actor=learner, now=now)
        services.attempt_mark_ready(attempt_id=attempt.pk, now=now)
        services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)
        for question, response in ((right, "42"), (wrong, "8")):
            services.answer_save(
                attempt_id=attempt.pk, question_id=question.pk, response=response, now=now
            )
        attempts.append(attempt)
    return attempts


def test_submit_expire_and_error_racing_leave_one_legal_path_per_attempt(running_attempts, now):
    # given running attempts with saved answers, and three ways to end each of them
    during = now + timedelta(minutes=30)
    overdue = now + timedelta(hours=2)
    ids = [attempt.pk for attempt in running_attempts]
    learners = {attempt.pk: attempt.learner for attempt in running_attempts}
    calls = {
        "submit": lambda pk: services.attempt_submit(attempt_id=pk, actor=learners[pk], now=during),
        "expire": lambda pk: services.attempt_expire(attempt_id=pk, now=overdue),
        "error": lambda pk: services.attempt_error(
            attempt_id=pk, actor=None, now=during, reason="software crashed"
        ),
    }
    names = sorted(calls)

    def work(index: int) -> dict[str, int]:
        # Each attempt gets every call from some thread (thread i makes call (i + n) % 3 on
        # attempt n), and each thread goes through the attempts in its own order.
        order = list(enumerate(ids))
        random.Random(index).shuffle(order)
        refused = {name: 0 for name in names}
        for position, pk in order:
            name = names[(index + position) % len(names)]
            try:
                calls[name](pk)
            except IllegalTransition:
                refused[name] += 1
        return refused

    # when THREADS threads call them on the same attempts at once
    results, errors = _run_threads(THREADS, work)

    # then no call failed other than by a refused move
    assert errors == []
    assert len(results) == THREADS
    for attempt in Attempt.objects.filter(pk__in=ids):
        _assert_one_legal_path(attempt)
        _assert_no_answer_lost(attempt, overdue=overdue)


def _assert_one_legal_path(attempt: Attempt) -> None:
    moves = list(
        AttemptTransition.objects.filter(attempt=attempt, kind="status")
        .order_by("id")
        .values_list("from_status", "to_status")
    )
    statuses = [S.CREATED, S.DOWNLOAD_SOFTWARE_CLICKED, S.READY_TO_START, S.STARTED]
    assert moves[:4] == [("", S.CREATED), *itertools.pairwise(statuses)]
    for (_, previous_to), (current_from, current_to) in itertools.pairwise(moves):
        assert current_from == previous_to, moves
        assert is_legal(current_from, current_to, proctored=True), moves
    assert moves[-1][1] == attempt.status
    closing = [m for m in moves if m[0] in IN_PROGRESS and m[1] not in IN_PROGRESS]
    assert len(closing) == 1, moves
    assert closing[0][1] in {S.COMPLETED, S.TIMED_OUT, S.ERROR}
    # after the closing move at most the provider's "upload failed" may follow
    assert moves[4:] in ([closing[0]], [closing[0], (closing[0][1], S.ERROR)]), moves
    assert attempt.status in {S.COMPLETED, S.TIMED_OUT, S.ERROR}


def _assert_no_answer_lost(attempt: Attempt, *, overdue) -> None:
    answers = dict(Answer.objects.filter(attempt=attempt).values_list("response", "points_awarded"))
    ended = set(
        AttemptTransition.objects.filter(
            attempt=attempt, to_status__in=[S.COMPLETED, S.TIMED_OUT]
        ).values_list("to_status", flat=True)
    )
    assert set(answers) == {"42", "8"}
    if ended:
        assert answers == {"42": Decimal(3), "8": Decimal(0)}
        assert (attempt.points_earned, attempt.points_possible) == (Decimal(3), Decimal(10))
        assert attempt.completed_at is not None
        if ended == {S.TIMED_OUT}:
            assert attempt.completed_at == attempt.deadline_at
    else:
        assert answers == {"42": None, "8": None}
        assert attempt.points_earned is None
        assert attempt.paused_remaining_seconds == 30 * 60
        assert attempt.deadline_at is None


@pytest.mark.parametrize(
    ("exam_type", "proctored", "status"),
    [
        (ExamType.TIMED, None, S.CREATED),
        (ExamType.PROCTORED, True, S.CREATED),
        (ExamType.PROCTORED, False, S.DECLINED),
        (ExamType.PRACTICE, None, S.CREATED),
    ],
)
def test_racing_creates_make_one_attempt(course, learner, now, exam_type, proctored, status):
    # given one learner and one exam
    exam = ExamFactory(course=course, exam_type=exam_type)

    def work(index: int) -> int:
        attempt = services.attempt_create(exam=exam, learner=learner, proctored=proctored, now=now)
        return attempt.pk

    # when CREATE_THREADS threads create the learner's attempt at once
    results, errors = _run_threads(CREATE_THREADS, work)

    # then exactly one attempt exists and every thread got it
    assert errors == []
    attempt = Attempt.objects.get(exam=exam, learner=learner)
    assert results == [attempt.pk] * CREATE_THREADS
    assert attempt.status == status
    assert AttemptTransition.objects.filter(attempt=attempt, to_status=S.CREATED).count() == 1
