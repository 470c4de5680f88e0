"""More races on real row locks (PostgreSQL only), at a larger scale than test_concurrency.py.

* 100 creates of one learner's attempt, some with the other proctoring choice;
* eight different moves released together on one attempt, again and again;
* a storm: learners submitting and answering, sweepers expiring, the provider calling back
  (signed HTTP callbacks through the test client), on 50 attempts at once.

Workers line up on a barrier, each on its own database connection (closed when it ends).
Afterwards every attempt's history must be one legal path, every refused call a domain error,
no saved answer lost and no e-mail sent twice.
"""

import itertools
import json
import queue
import random
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from exams import services
from exams.exceptions import AttemptExists, DomainError
from exams.lifecycle.moves import is_legal
from exams.models import Answer, Attempt, AttemptTransition, Exam, ExamType
from exams.statuses import IN_PROGRESS, AttemptStatus
from exams.tasks import attempts_expire_overdue_task
from proctoring import signing
from proctoring.models import CallbackDelivery, DeliveryStatus, Review
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

# The throwaway cluster allows 100 connections: 30 workers (one connection each) stay well
# under it, beside the test's own connection.
WORKERS = 30
CREATES = 100
MOVE_ROUNDS = 25
STORM_ATTEMPTS = 50
STORM_WORKERS = 16
SWEEPS = 12
SECRET = "simulated-provider-secret"


def _race(workers: int, jobs: Iterable[Any], work: Callable[[Any], Any]) -> list[tuple]:
    """Run work(job) for every job on `workers` threads released together by a barrier.

    Returns (job, result, error) for every job, where error is the exception it raised.
    """
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        pending.put(job)
    barrier = threading.Barrier(workers, timeout=30)
    outcomes: list[tuple] = []
    lock = threading.Lock()

    def target() -> None:
        try:
            barrier.wait()
            while True:
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    outcome = (job, work(job), None)
                except BaseException as error:  # reported to the main thread
                    outcome = (job, None, error)
                with lock:
                    outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=target) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=50)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return outcomes


def _unexpected(outcomes: list[tuple], allowed: tuple[type[BaseException], ...]) -> list:
    return [(job, error) for job, _, error in outcomes if error and not isinstance(error, allowed)]


def _history(attempt_id: int) -> list[tuple[str, str, str]]:
    """(from, to, reason) of every status move, in the order they were committed."""
    return list(
        AttemptTransition.objects.filter(attempt_id=attempt_id, kind="status")
        .order_by("id")
        .values_list("from_status", "to_status", "reason")
    )


def _assert_legal_path(attempt: Attempt, moves: list[tuple[str, str, str]]) -> None:
    assert moves[0][:2] == ("", S.CREATED), moves
    for (_, previous_to, _), (current_from, current_to, _) in itertools.pairwise(moves):
        assert current_from == previous_to, moves
        assert is_legal(current_from, current_to, proctored=attempt.taking_as_proctored), moves
    assert moves[-1][1] == attempt.status, moves


def _exits(moves: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The moves that ended the exam (out of an in-progress status)."""
    return [m for m in moves if m[0] in IN_PROGRESS and m[1] not in IN_PROGRESS]


# 1. One hundred racing creates ------------------------------------------------------------


@pytest.mark.parametrize(
    ("exam_type", "choices"),
    [
        # A verified learner on a proctored exam: half choose proctoring, half opt out.
        (ExamType.PROCTORED, (True, False)),
        # A practice exam: no choice given, or proctoring (the same thing).
        (ExamType.PRACTICE, (None, True)),
    ],
)
def test_hundred_racing_creates_make_one_attempt(course, learner, now, exam_type, choices):
    # given one learner and one exam
    exam = ExamFactory(course=course, exam_type=exam_type)

    def create(index: int) -> tuple[bool | None, int]:
        choice = choices[index % 2]
        attempt = services.attempt_create(exam=exam, learner=learner, proctored=choice, now=now)
        return choice, attempt.pk

    # when 100 creates race on 30 connections
    outcomes = _race(WORKERS, range(CREATES), create)

    # then there is exactly one attempt, with one first history row
    assert len(outcomes) == CREATES
    assert _unexpected(outcomes, (AttemptExists,)) == []
    attempt = Attempt.objects.get(exam=exam, learner=learner)
    assert AttemptTransition.objects.filter(attempt=attempt, to_status=S.CREATED).count() == 1
    # and every call with the winner's choice got it; the other choice was refused, clearly
    winner = attempt.status == S.CREATED if exam_type == ExamType.PROCTORED else None
    for index, result, error in outcomes:
        choice = choices[index % 2]
        if exam_type == ExamType.PRACTICE or choice == winner:
            assert (result, error) == ((choice, attempt.pk), None)
        else:
            assert result is None and error.code == "attempt_exists"
    if exam_type == ExamType.PROCTORED:
        assert attempt.status in (S.CREATED, S.DECLINED)
        assert attempt.taking_as_proctored is (attempt.status == S.CREATED)
        refused = sum(1 for _, _, error in outcomes if error is not None)
        assert refused == CREATES // 2


# 2. Eight conflicting moves at once on one attempt ----------------------------------------


@pytest.fixture
def exam_with_questions(course) -> Exam:
    """A proctored exam of 60 minutes: 3 points for 42, 2 points for 7, 5 points for 42."""
    exam = ExamFactory(course=course, proctored=True, time_limit_minutes=60)
    QuestionFactory(exam=exam, numeric_answer=Decimal(42), points=Decimal(3))
    QuestionFactory(exam=exam, numeric_answer=Decimal(7), points=Decimal(2))
    QuestionFactory(exam=exam, numeric_answer=Decimal(42), points=Decimal(5))
    return exam


def _running_attempt(exam: Exam, *, started: datetime) -> Attempt:
    """A new learner's proctored attempt, started at `started`, with "42" and "8" saved."""
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=exam.course)
    attempt = services.attempt_create(exam=exam, learner=learner, proctored=True, now=started)
    services.attempt_setup_begin(attempt_id=attempt.pk, actor=learner, now=started)
    services.attempt_mark_ready(attempt_id=attempt.pk, now=started)
    services.attempt_start(attempt_id=attempt.pk, actor=learner, now=started)
    questions = list(exam.questions.order_by("pk"))
    for question, response in zip(questions[:2], ("42", "8"), strict=True):
        services.answer_save(
            attempt_id=attempt.pk,
            question_id=question.pk,
            response=response,
            now=started + timedelta(minutes=1),
        )
    return Attempt.objects.select_related("learner").get(pk=attempt.pk)


# Which service made a history row, by (to status, reason).
MOVE_OF_ROW = {
    (S.READY_TO_SUBMIT, ""): "stop",
    (S.STARTED, "continue working"): "continue",
    (S.COMPLETED, ""): "submit",
    (S.TIMED_OUT, "deadline passed"): "expire",
    (S.ERROR, "crash"): "error",
    (S.READY_TO_START, "resumed by staff"): "resume",
    (S.SUBMITTED, "session uploaded"): "session_submitted",
    (S.SUBMITTED, "review received"): "review",
    (S.VERIFIED, "review passed"): "review",
}


def test_eight_conflicting_moves_at_once_apply_one_legal_path(exam_with_questions, support, now):
    # given attempts waiting for the learner to confirm the end of the exam (ready to submit),
    # 10 minutes into 60, with two answers saved
    during = now + timedelta(minutes=10)
    overdue = now + timedelta(hours=2)
    attempts = []
    for _ in range(MOVE_ROUNDS):
        attempt = _running_attempt(exam_with_questions, started=now)
        services.attempt_stop(attempt_id=attempt.pk, actor=attempt.learner, now=during)
        attempts.append(attempt)
    learners = {a.pk: a.learner for a in attempts}
    moves: dict[str, Callable[[int], Attempt]] = {
        "submit": lambda pk: services.attempt_submit(attempt_id=pk, actor=learners[pk], now=during),
        "stop": lambda pk: services.attempt_stop(attempt_id=pk, actor=learners[pk], now=during),
        "continue": lambda pk: services.attempt_continue(
            attempt_id=pk, actor=learners[pk], now=during
        ),
        "error": lambda pk: services.attempt_error(
            attempt_id=pk, actor=None, now=during, reason="crash"
        ),
        "expire": lambda pk: services.attempt_expire(attempt_id=pk, now=overdue),
        "resume": lambda pk: services.attempt_resume(attempt_id=pk, actor=support, now=during),
        "review": lambda pk: services.attempt_review_result(
            attempt_id=pk, result=S.VERIFIED, now=during, reason="review passed"
        ),
        "session_submitted": lambda pk: services.attempt_session_submitted(
            attempt_id=pk, now=during
        ),
    }
    names = sorted(moves)
    rounds = [threading.Barrier(len(names), timeout=30) for _ in attempts]

    def work(name: str) -> list[tuple[int, str, str]]:
        # This worker makes its one move on every attempt, released with the seven others.
        made = []
        for barrier, attempt in zip(rounds, attempts, strict=True):
            barrier.wait()
            try:
                moves[name](attempt.pk)
                made.append((attempt.pk, name, ""))
            except DomainError as error:
                made.append((attempt.pk, name, error.code))
        return made

    # when eight workers, one per move, release their moves together on each attempt
    outcomes = _race(len(names), names, work)

    # then no call failed other than with a domain error
    assert _unexpected(outcomes, ()) == []
    refused = {(pk, name): code for _, made, _ in outcomes for pk, name, code in made if code}
    assert set(refused.values()) <= {"illegal_transition", "not_resumable"}
    endings = Counter()
    for attempt in Attempt.objects.filter(pk__in=[a.pk for a in attempts]):
        history = _history(attempt.pk)
        _assert_legal_path(attempt, history)
        endings[attempt.status] += 1
        # and each move left a row only if it was not refused, and at most one (a review of a
        # completed attempt records the implied upload first)
        made = Counter(MOVE_OF_ROW[(to, reason)] for _, to, reason in history[5:])
        for name, count in made.items():
            assert (attempt.pk, name) not in refused, (name, history)
            assert count <= (2 if name == "review" else 1), history
        # and exactly one move ended the exam: submit, expire and error exclude each other
        (exit_move,) = _exits(history)
        assert MOVE_OF_ROW[(exit_move[1], exit_move[2])] in ("submit", "expire", "error")
        # and at most one move into `submitted` (upload vs review)
        assert sum(1 for _, to, _ in history if to == S.SUBMITTED) <= 1, history
        _assert_nothing_half_done(attempt, exit_to=exit_move[1], during=during)
    assert sum(endings.values()) == MOVE_ROUNDS


def _assert_nothing_half_done(attempt: Attempt, *, exit_to: str, during: datetime) -> None:
    answers = dict(Answer.objects.filter(attempt=attempt).values_list("response", "points_awarded"))
    if exit_to in (S.COMPLETED, S.TIMED_OUT):
        # closed: graded, with the time it ended (a timed out attempt at its deadline)
        assert answers == {"42": Decimal(3), "8": Decimal(0)}
        assert (attempt.points_earned, attempt.points_possible) == (Decimal(3), Decimal(10))
        expected_end = during if exit_to == S.COMPLETED else attempt.deadline_at
        assert attempt.completed_at == expected_end
    else:
        # stopped by the error: nothing graded, the clock paused with the 50 minutes left
        assert answers == {"42": None, "8": None}
        assert (attempt.points_earned, attempt.completed_at) == (None, None)
        assert (attempt.paused_remaining_seconds, attempt.deadline_at) == (50 * 60, None)


# 3. The storm: submits, answers, sweeps and callbacks on 50 attempts ----------------------


def _callback(payload: dict[str, Any]) -> int:
    """POST one signed callback as the simulated provider; return the HTTP status."""
    body = json.dumps(payload).encode()
    headers = signing.signed_headers(secret=SECRET, body=body, now=timezone.now())
    response = Client().post(
        "/api/v1/proctoring/simulated/callback/",
        body,
        content_type="application/json",
        headers=headers,
    )
    return response.status_code


def _event(attempt: Attempt, event: str, delivery_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "delivery_id": delivery_id,
        "event": event,
        "attempt_code": attempt.attempt_code,
        "occurred_at": timezone.now().isoformat(),
        **extra,
    }


def _verdict(attempt: Attempt) -> str:
    return "passed" if attempt.pk % 2 else "failed"


def test_storm_of_submits_sweeps_and_callbacks_loses_nothing_and_mails_once(
    exam_with_questions, settings, mailoutbox
):
    # given 50 running proctored attempts with two answers saved: half are past their deadline
    # (the sweeper should close them), half have 50 minutes left
    settings.PROCTORING_CALLBACK_RATE_PER_MINUTE = 100_000  # one address sends all of these
    exam_with_questions.course.proctoring_provider = "simulated"
    exam_with_questions.course.save()
    real_now = timezone.now()
    attempts = [
        _running_attempt(
            exam_with_questions,
            started=real_now - (timedelta(hours=2) if i % 2 else timedelta(minutes=10)),
        )
        for i in range(STORM_ATTEMPTS)
    ]
    by_pk = {a.pk: a for a in attempts}
    overdue = {a.pk for a in attempts if a.deadline_at < real_now}
    assert len(overdue) == STORM_ATTEMPTS // 2
    first, second, third_pk = exam_with_questions.questions.order_by("pk").values_list(
        "pk", flat=True
    )
    third = exam_with_questions.questions.get(pk=third_pk)

    def work(job: tuple) -> Any:
        kind, pk = job
        if kind == "sweep":
            return attempts_expire_overdue_task()
        attempt = by_pk[pk]
        if kind == "submit":
            return services.attempt_submit(attempt_id=pk, actor=attempt.learner).status
        if kind == "answer":
            return services.answer_save(attempt_id=pk, question_id=third.pk, response="42").pk
        if kind == "upload":
            return _callback(_event(attempt, "session_submitted", f"upload-{pk}"))
        review = {"verdict": _verdict(attempt), "flags": [], "comments": "storm"}
        # "review" and "redelivery" send the same delivery: the second changes nothing
        return _callback(_event(attempt, "review", f"review-{pk}", review=review))

    jobs = [("sweep", None)] * SWEEPS + [
        (kind, pk)
        for pk in by_pk
        for kind in ("submit", "answer", "upload", "review", "redelivery")
    ]
    random.Random(8).shuffle(jobs)

    # when 16 workers run them all at once
    outcomes = _race(STORM_WORKERS, jobs, work)

    # then only domain errors were raised (a refused answer), every callback was accepted
    assert _unexpected(outcomes, (DomainError,)) == []
    refused = {(job, error.code) for job, _, error in outcomes if error}
    assert {code for _, code in refused} <= {"deadline_passed", "illegal_transition"}
    callbacks = ("upload", "review", "redelivery")
    assert {result for (kind, _), result, _ in outcomes if kind in callbacks} == {202}
    saved_third = {pk for (kind, pk), _, error in outcomes if kind == "answer" and not error}
    assert not saved_third & overdue  # no answer accepted after the deadline
    assert CallbackDelivery.objects.filter(status=DeliveryStatus.RECEIVED).count() == 0
    assert CallbackDelivery.objects.count() == 2 * STORM_ATTEMPTS  # redeliveries not stored

    # when the provider then sends every attempt's final review (after all the uploads)
    def final_review(pk: int) -> int:
        review = {"verdict": _verdict(by_pk[pk]), "flags": [], "comments": "final"}
        return _callback(_event(by_pk[pk], "review", f"final-{pk}", review=review))

    finals = _race(STORM_WORKERS, list(by_pk), final_review)
    assert [(pk, error) for pk, _, error in finals if error] == []
    assert {status for _, status, _ in finals} == {202}

    # then every attempt ended with its review, along a legal path, once
    mails = Counter(tuple(message.to) for message in mailoutbox)
    for attempt in Attempt.objects.filter(pk__in=by_pk).select_related("learner"):
        history = _history(attempt.pk)
        _assert_legal_path(attempt, history)
        (exit_move,) = _exits(history)
        ended = S.TIMED_OUT if attempt.pk in overdue else S.COMPLETED
        assert exit_move[:2] == (S.STARTED, ended), history
        assert attempt.status == (S.VERIFIED if attempt.pk % 2 else S.REJECTED), history
        assert [to for _, to, _ in history[4:]] == [ended, S.SUBMITTED, attempt.status], history
        # and every answer it accepted is there, graded
        answers = dict(
            Answer.objects.filter(attempt=attempt).values_list("question_id", "points_awarded")
        )
        expected = {first: Decimal(3), second: Decimal(0)}
        if attempt.pk in saved_third:
            expected[third.pk] = Decimal(5)
        assert answers == expected
        assert (attempt.points_earned, attempt.points_possible) == (
            sum(expected.values()),
            Decimal(10),
        )
        if ended == S.TIMED_OUT:
            assert attempt.completed_at == attempt.deadline_at
        # and the learner got exactly one e-mail: the result, once
        assert mails[(attempt.learner.email,)] == 1, attempt.learner.email
        applied = Review.objects.filter(attempt=attempt, is_applied=True)
        assert applied.filter(emailed_at__isnull=False).count() == 1
    assert len(mailoutbox) == STORM_ATTEMPTS


def test_redelivered_callbacks_racing_are_stored_once(exam_with_questions, now, settings):
    # given one finished proctored attempt
    settings.PROCTORING_CALLBACK_RATE_PER_MINUTE = 100_000
    exam_with_questions.course.proctoring_provider = "simulated"
    exam_with_questions.course.save()
    attempt = _running_attempt(exam_with_questions, started=timezone.now())
    services.attempt_submit(attempt_id=attempt.pk, actor=attempt.learner)
    delivery_id = uuid.uuid4().hex
    payload = _event(attempt, "session_submitted", delivery_id)

    # when the provider's retries of one delivery arrive together
    outcomes = _race(WORKERS, range(WORKERS), lambda _: _callback(payload))

    # then all are accepted, it is stored once and applied once
    assert [(job, error) for job, _, error in outcomes if error] == []
    assert {status for _, status, _ in outcomes} == {202}
    delivery = CallbackDelivery.objects.get(delivery_id=delivery_id)
    assert (delivery.status, delivery.outcome) == (DeliveryStatus.APPLIED, "applied")
    assert [to for _, to, _ in _history(attempt.pk)][-2:] == [S.COMPLETED, S.SUBMITTED]


# 5. Times recorded in the order of the moves ----------------------------------------------


def test_times_recorded_follow_the_order_the_moves_were_made(exam_with_questions):
    # given attempts running on the real clock
    attempts = [_running_attempt(exam_with_questions, started=timezone.now()) for _ in range(20)]
    questions = list(exam_with_questions.questions.order_by("pk"))
    jobs = []
    for attempt in attempts:
        jobs += [("answer", attempt, question) for question in questions]
        jobs += [("stop", attempt, None), ("continue", attempt, None), ("submit", attempt, None)]
    random.Random(7).shuffle(jobs)

    def work(job: tuple) -> None:
        kind, attempt, question = job
        try:
            if kind == "answer":
                services.answer_save(attempt_id=attempt.pk, question_id=question.pk, response="7")
            elif kind == "stop":
                services.attempt_stop(attempt_id=attempt.pk, actor=attempt.learner)
            elif kind == "continue":
                services.attempt_continue(attempt_id=attempt.pk, actor=attempt.learner)
            else:
                services.attempt_submit(attempt_id=attempt.pk, actor=attempt.learner)
        except DomainError:
            pass  # a move the attempt could not make by then

    # when answers, stops, continues and submits race on them
    outcomes = _race(STORM_WORKERS, jobs, work)

    # then each history reads in time order, and no answer was saved after the exam ended
    assert _unexpected(outcomes, ()) == []
    for attempt in Attempt.objects.filter(pk__in=[a.pk for a in attempts]):
        times = list(
            AttemptTransition.objects.filter(attempt_id=attempt.pk)
            .order_by("id")
            .values_list("at", flat=True)
        )
        assert times == sorted(times), attempt.attempt_code
        assert attempt.completed_at is not None
        late = Answer.objects.filter(attempt=attempt, modified__gt=attempt.completed_at)
        assert not late.exists(), attempt.attempt_code
