"""The learner's actions read the signed-in learner with the attempt (SessionAuthentication on
views that `reads_learner_with_attempt`): the same answers as before, one query fewer, CSRF
still checked."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string
from rest_framework.test import APIClient

from exams.models import Answer, AttemptTransition
from exams.rest.gate import attempt_of_session
from exams.statuses import AttemptStatus as S
from tests.factories import AttemptFactory, ExamFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def url(path):
    return f"/api/v1/{path}"


@pytest.fixture
def attempt(course, learner):
    return AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)


def test_submit_reads_the_learner_with_the_attempt(as_user, attempt, django_assert_num_queries):
    question = QuestionFactory(exam=attempt.exam, numeric_answer=Decimal(42))
    Answer.objects.create(attempt=attempt, question=question, response="42")
    client = as_user(attempt.learner)

    # learner and attempt (1); inside the savepoint: the locked attempt, its history row, the
    # questions, the answers, the answer's score and the attempt (6), + SAVEPOINT and RELEASE
    with django_assert_num_queries(1 + 6 + 2) as captured:
        response = client.post(url(f"attempts/{attempt.pk}/submit/"))

    assert response.status_code == 200
    assert response.json()["status"] == S.COMPLETED
    user_table = get_user_model()._meta.db_table
    assert sum(f'FROM "{user_table}"' in q["sql"] for q in captured.captured_queries) == 0
    transition = AttemptTransition.objects.get(attempt=attempt, to_status=S.COMPLETED)
    assert transition.actor_id == attempt.learner_id


def test_the_learner_read_with_the_attempt_is_the_whole_user(client, attempt):
    client.force_login(attempt.learner)

    read = attempt_of_session(client.session, attempt.pk)

    assert read is not None
    assert read.learner.get_deferred_fields() == set()
    assert read.learner.username == attempt.learner.username


def test_action_with_the_csrf_token_is_accepted(attempt):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(attempt.learner)
    token = _get_new_csrf_string()
    api.cookies["csrftoken"] = token

    response = api.post(url(f"attempts/{attempt.pk}/submit/"), HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200
    assert response.json()["status"] == S.COMPLETED


def test_answer_without_csrf_token_is_refused_and_saves_nothing(attempt):
    question = QuestionFactory(exam=attempt.exam)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(attempt.learner)

    response = api.put(
        url(f"attempts/{attempt.pk}/answers/{question.pk}/"), {"response": "1"}, format="json"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    assert not attempt.answers.exists()


def test_another_learners_attempt_is_not_found(as_user, attempt, other_learner):
    response = as_user(other_learner).post(url(f"attempts/{attempt.pk}/submit/"))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED


def _deactivate(learner):
    get_user_model().objects.filter(pk=learner.pk).update(is_active=False)


def _change_password(learner):
    learner.set_password("a new password, changed elsewhere")
    learner.save()


@pytest.mark.parametrize("spoil", [_deactivate, _change_password], ids=["inactive", "password"])
def test_a_session_django_would_refuse_is_refused(as_user, attempt, spoil):
    client = as_user(attempt.learner)
    spoil(attempt.learner)

    response = client.post(url(f"attempts/{attempt.pk}/submit/"))

    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED


def test_a_request_without_a_session_is_refused_not_an_error(attempt):
    from rest_framework.test import APIRequestFactory

    from exams.api.learner import AttemptSubmitApi

    request = APIRequestFactory().post(url(f"attempts/{attempt.pk}/submit/"))

    response = AttemptSubmitApi.as_view()(request, attempt_id=attempt.pk)

    assert response.status_code == 403
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED
