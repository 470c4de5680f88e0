"""The lifecycle engine: one lock, the no-op first, the move and its maker checked, the effect
run; a refusal changes nothing."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from exams.exceptions import IllegalTransition, NotFound
from exams.lifecycle import engine
from exams.lifecycle.moves import Party
from exams.statuses import AttemptStatus
from tests.exams.helpers import history_of, snapshot
from tests.factories import AttemptFactory, ExamFactory

S = AttemptStatus
pytestmark = pytest.mark.django_db


def _make(verb, attempt, party, **kwargs):
    with transaction.atomic():
        return engine.make(verb, attempt_id=attempt.pk, party=party, actor=None, **kwargs)


def test_a_move_by_someone_the_table_does_not_name_is_refused_and_changes_nothing():
    attempt = AttemptFactory(exam=ExamFactory(proctored=True), status=S.DOWNLOAD_SOFTWARE_CLICKED)
    before = snapshot(attempt)

    # the learner may not say the provider's checks passed
    with pytest.raises(IllegalTransition):
        _make("mark_ready", attempt, Party.LEARNER)

    assert snapshot(attempt) == before


def test_the_named_maker_moves_it_and_the_history_says_so():
    attempt = AttemptFactory(exam=ExamFactory(proctored=True), status=S.DOWNLOAD_SOFTWARE_CLICKED)

    moved = _make("mark_ready", attempt, Party.PROVIDER)

    assert moved.status == S.READY_TO_START
    assert history_of(attempt) == [(S.DOWNLOAD_SOFTWARE_CLICKED, S.READY_TO_START)]


def test_a_move_already_made_is_a_no_op_that_writes_nothing(django_assert_num_queries):
    attempt = AttemptFactory(exam=ExamFactory(proctored=True), status=S.READY_TO_START)
    before = snapshot(attempt)

    # the lock only (and the savepoint pytest-django's transaction adds)
    with django_assert_num_queries(3):
        _make("mark_ready", attempt, Party.PROVIDER)

    assert snapshot(attempt) == before


def test_an_overdue_running_attempt_is_timed_out_instead_of_stopped():
    now = timezone.now()
    attempt = AttemptFactory(exam=ExamFactory(), started=True)
    attempt.deadline_at = now - timedelta(seconds=5)
    attempt.save(update_fields=["deadline_at"])

    moved = _make("stop", attempt, Party.LEARNER, now=now)

    assert moved.status == S.TIMED_OUT
    assert moved.completed_at == attempt.deadline_at
    assert history_of(attempt) == [(S.STARTED, S.TIMED_OUT)]


def test_a_vanished_attempt_is_not_found():
    attempt = AttemptFactory()
    attempt.delete()

    with pytest.raises(NotFound):
        _make("start", attempt, Party.LEARNER)
