"""The learner's gate: attempt_of_session, its own check of a session, which must vouch only
where django.contrib.auth would and otherwise step aside; and learner_attempt, which falls back
to the request's user and refuses everyone else's attempt."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from exams.exceptions import NotFound
from exams.rest.gate import MODEL_BACKEND, attempt_of_session, learner_attempt
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
    found = attempt_of_session(signed_in(learner), attempt.pk)

    assert found is not None
    assert found.pk == attempt.pk
    assert found.exam.pk == attempt.exam_id


def test_steps_aside_for_another_learners_attempt(attempt):
    assert attempt_of_session(signed_in(UserFactory()), attempt.pk) is None


def test_steps_aside_for_an_anonymous_session(attempt):
    assert attempt_of_session(SessionStore(), attempt.pk) is None


def test_steps_aside_for_an_inactive_learner(attempt, learner):
    session = signed_in(learner)
    learner.is_active = False
    learner.save()

    assert attempt_of_session(session, attempt.pk) is None


def test_steps_aside_once_the_password_changed(attempt, learner):
    session = signed_in(learner)
    learner.set_password("a new password, elsewhere")
    learner.save()

    assert attempt_of_session(session, attempt.pk) is None


def test_steps_aside_for_a_session_without_a_password_hash(attempt, learner):
    session = signed_in(learner)
    del session[HASH_SESSION_KEY]

    assert attempt_of_session(session, attempt.pk) is None


def test_steps_aside_for_another_backend(attempt, learner):
    session = signed_in(learner, backend="axes.backends.AxesStandaloneBackend")

    assert attempt_of_session(session, attempt.pk) is None


def test_steps_aside_when_the_model_backend_is_not_configured(attempt, learner, settings):
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend"]

    assert attempt_of_session(signed_in(learner), attempt.pk) is None


def test_steps_aside_for_a_malformed_user_id(attempt, learner):
    session = signed_in(learner)
    session[SESSION_KEY] = "not a number"

    assert attempt_of_session(session, attempt.pk) is None


def request_of(user, session):
    request = RequestFactory().get("/")
    request.session = session
    request.user = user
    return request


def test_the_vouched_attempt_carries_the_whole_user(attempt, learner):
    found = attempt_of_session(signed_in(learner), attempt.pk)

    assert found is not None
    assert found.learner.get_deferred_fields() == set()
    assert found.learner.username == learner.username


def test_the_gate_takes_the_vouched_attempt_in_one_query(
    attempt, learner, django_assert_num_queries
):
    request = request_of(None, signed_in(learner))  # request.user is never read

    with django_assert_num_queries(1):
        found = learner_attempt(request, attempt.pk)

    assert found.pk == attempt.pk


def test_the_gate_falls_back_to_the_requests_user(attempt, learner):
    # Signed in through another backend: the session cannot vouch, request.user does.
    request = request_of(learner, signed_in(learner, backend="axes.backends.AxesStandaloneBackend"))

    found = learner_attempt(request, attempt.pk)

    assert found.learner is learner
    assert found.exam.exam_type == attempt.exam.exam_type


def test_the_gate_refuses_another_learners_attempt(attempt):
    other = UserFactory()
    with pytest.raises(NotFound):
        learner_attempt(request_of(other, signed_in(other)), attempt.pk)


def test_the_gate_refuses_nobody_signed_in(attempt):
    with pytest.raises(NotFound):
        learner_attempt(request_of(AnonymousUser(), SessionStore()), attempt.pk)
