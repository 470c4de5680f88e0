"""access_attempt_as_learner, and access_attempt_by_session: the timer poll's own check of a
session, which must vouch only where django.contrib.auth would, and otherwise step aside."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from exams.exceptions import NotFound
from exams.permissions import MODEL_BACKEND, access_attempt_as_learner, access_attempt_by_session
from tests.factories import AttemptFactory, ExamFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user, backend=MODEL_BACKEND):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    return session


@pytest.fixture
def attempt(course, learner):
    return AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)


def test_vouches_for_the_learners_own_attempt(attempt, learner):
    found = access_attempt_by_session(signed_in(learner), attempt.pk)

    assert found is not None
    assert found.pk == attempt.pk
    assert found.exam.pk == attempt.exam_id


def test_steps_aside_for_another_learners_attempt(attempt):
    assert access_attempt_by_session(signed_in(UserFactory()), attempt.pk) is None


def test_steps_aside_for_an_anonymous_session(attempt):
    assert access_attempt_by_session(SessionStore(), attempt.pk) is None


def test_steps_aside_for_an_inactive_learner(attempt, learner):
    session = signed_in(learner)
    learner.is_active = False
    learner.save()

    assert access_attempt_by_session(session, attempt.pk) is None


def test_steps_aside_once_the_password_changed(attempt, learner):
    session = signed_in(learner)
    learner.set_password("a new password, elsewhere")
    learner.save()

    assert access_attempt_by_session(session, attempt.pk) is None


def test_steps_aside_for_a_session_without_a_password_hash(attempt, learner):
    session = signed_in(learner)
    del session[HASH_SESSION_KEY]

    assert access_attempt_by_session(session, attempt.pk) is None


def test_steps_aside_for_another_backend(attempt, learner):
    session = signed_in(learner, backend="axes.backends.AxesStandaloneBackend")

    assert access_attempt_by_session(session, attempt.pk) is None


def test_steps_aside_when_the_model_backend_is_not_configured(attempt, learner, settings):
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend"]

    assert access_attempt_by_session(signed_in(learner), attempt.pk) is None


def test_steps_aside_for_a_malformed_user_id(attempt, learner):
    session = signed_in(learner)
    session[SESSION_KEY] = "not a number"

    assert access_attempt_by_session(session, attempt.pk) is None


def test_the_learners_own_attempt_carries_the_whole_user(attempt, learner):
    found = access_attempt_as_learner(learner, attempt.pk)

    assert found.learner is learner
    assert found.exam.exam_type == attempt.exam.exam_type


def test_another_learners_attempt_is_not_found(attempt):
    with pytest.raises(NotFound):
        access_attempt_as_learner(UserFactory(), attempt.pk)
