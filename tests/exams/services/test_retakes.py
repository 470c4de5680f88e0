"""Starting over: staff clear an attempt; a learner retries a practice exam."""

from datetime import timedelta
from decimal import Decimal

import pytest

from exams import services
from exams.exceptions import DomainError
from exams.models import Answer, Attempt, AttemptTransition, AuditLogEntry
from exams.statuses import AttemptStatus as S
from tests.exams.helpers import history_of, snapshot
from tests.factories import ExamFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(course, learner, now):
    """A timed attempt started, answered and submitted."""
    exam = ExamFactory(course=course)
    question = QuestionFactory(exam=exam, numeric_answer=Decimal(42))
    attempt = services.attempt_create(exam=exam, learner=learner, proctored=None, now=now)
    services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)
    services.answer_save(attempt_id=attempt.pk, question_id=question.pk, response="42", now=now)
    services.attempt_submit(attempt_id=attempt.pk, actor=learner, now=now + timedelta(minutes=9))
    attempt.refresh_from_db()
    return attempt


def test_clear_deletes_the_attempt_and_its_answers(finished, instructor, now):
    cleared = services.attempt_clear(attempt_id=finished.pk, actor=instructor, now=now)

    assert cleared is True
    assert Attempt.objects.filter(pk=finished.pk).exists() is False
    assert Answer.objects.count() == 0


def test_clear_keeps_the_history_detached_from_the_deleted_attempt(finished, instructor, now):
    kept = list(
        AttemptTransition.objects.filter(attempt=finished)
        .order_by("id")
        .values_list("id", "from_status", "to_status")
    )

    services.attempt_clear(attempt_id=finished.pk, actor=instructor, now=now)

    rows = AttemptTransition.objects.order_by("id")
    assert list(rows.values_list("id", "from_status", "to_status")) == kept
    assert len(kept) == 3
    assert set(rows.values_list("attempt_id", "attempt_code")) == {(None, finished.attempt_code)}


def test_clear_writes_who_cleared_what_to_the_audit_log(finished, instructor, course, now):
    services.attempt_clear(attempt_id=finished.pk, actor=instructor, now=now + timedelta(days=1))

    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.course, entry.learner_id, entry.at) == (
        "attempt_cleared",
        instructor,
        course,
        finished.learner_id,
        now + timedelta(days=1),
    )
    assert entry.target == f"attempt {finished.attempt_code}"
    assert entry.summary == (
        f"Cleared the attempt of learner at '{finished.exam.name}' "
        "(status completed, 1 answers removed)."
    )
    assert entry.details == {
        "attempt_code": finished.attempt_code,
        "exam_id": finished.exam_id,
        "status": "completed",
        "started_at": now.isoformat(),
        "completed_at": (now + timedelta(minutes=9)).isoformat(),
    }


def test_after_a_clear_the_learner_starts_from_the_very_beginning(
    finished, instructor, learner, now
):
    services.attempt_clear(attempt_id=finished.pk, actor=instructor, now=now)

    fresh = services.attempt_create(
        exam=finished.exam, learner=learner, proctored=None, now=now + timedelta(hours=1)
    )

    assert fresh.pk != finished.pk
    assert fresh.attempt_code != finished.attempt_code
    assert fresh.status == S.CREATED
    assert fresh.started_at is None
    assert fresh.answers.count() == 0
    assert history_of(fresh) == [("", S.CREATED)]


def test_after_a_clear_of_a_proctored_attempt_the_choice_is_offered_again(
    course, learner, instructor, now
):
    exam = ExamFactory(course=course, proctored=True)
    declined = services.attempt_create(exam=exam, learner=learner, proctored=False, now=now)
    services.attempt_clear(attempt_id=declined.pk, actor=instructor, now=now)

    proctored = services.attempt_create(exam=exam, learner=learner, proctored=True, now=now)

    assert proctored.taking_as_proctored is True
    assert proctored.status == S.CREATED


def test_second_clear_reports_the_attempt_gone(finished, instructor, now):
    services.attempt_clear(attempt_id=finished.pk, actor=instructor, now=now)

    again = services.attempt_clear(attempt_id=finished.pk, actor=instructor, now=now)

    assert again is False
    assert AuditLogEntry.objects.count() == 1


@pytest.fixture
def practice_done(attempt_in, course):
    exam = ExamFactory(course=course, practice=True)
    return attempt_in(S.VERIFIED, exam=exam, is_sample_attempt=True)


def test_practice_reset_after_finishing_gives_a_new_attempt(practice_done, learner, now):
    before = snapshot(practice_done)

    fresh = services.attempt_practice_reset(attempt_id=practice_done.pk, actor=learner, now=now)

    fresh.refresh_from_db()
    assert fresh.pk != practice_done.pk
    assert (fresh.status, fresh.is_sample_attempt, fresh.taking_as_proctored) == (
        S.CREATED,
        True,
        True,
    )
    assert fresh.course_id == practice_done.exam.course_id
    assert history_of(fresh) == [("", S.CREATED)]
    assert fresh.transitions.get().reason == f"practice retry after {practice_done.attempt_code}"
    assert snapshot(practice_done) == before


def test_practice_reset_twice_gives_the_same_new_attempt(practice_done, learner, now):
    first = services.attempt_practice_reset(attempt_id=practice_done.pk, actor=learner, now=now)

    second = services.attempt_practice_reset(
        attempt_id=practice_done.pk, actor=learner, now=now + timedelta(seconds=1)
    )

    assert second.pk == first.pk
    assert Attempt.objects.count() == 2
    assert AttemptTransition.objects.filter(attempt=first).count() == 1


@pytest.mark.parametrize(
    "status", [S.CREATED, S.DOWNLOAD_SOFTWARE_CLICKED, S.READY_TO_START, S.STARTED]
)
def test_practice_reset_while_live_is_refused(attempt_in, course, learner, now, status):
    exam = ExamFactory(course=course, practice=True)
    live = attempt_in(status, exam=exam, is_sample_attempt=True)
    before = snapshot(live)

    with pytest.raises(DomainError) as raised:
        services.attempt_practice_reset(attempt_id=live.pk, actor=learner, now=now)

    assert raised.value.code == "attempt_in_progress"
    assert snapshot(live) == before
    assert Attempt.objects.count() == 1


def test_reset_of_a_real_exam_is_refused(finished, learner, now):
    with pytest.raises(DomainError) as raised:
        services.attempt_practice_reset(attempt_id=finished.pk, actor=learner, now=now)

    assert raised.value.code == "invalid_input"
    assert Attempt.objects.count() == 1


def test_new_practice_attempt_goes_through_setup_again(practice_done, learner, now):
    fresh = services.attempt_practice_reset(attempt_id=practice_done.pk, actor=learner, now=now)

    with pytest.raises(DomainError) as raised:
        services.attempt_start(attempt_id=fresh.pk, actor=learner, now=now)

    assert raised.value.code == "illegal_transition"
