"""The learner API: the flows, the errors and who may call what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from exams.models import Answer, Attempt, AttemptTransition
from exams.statuses import AttemptStatus as S
from tests.factories import AttemptFactory, ChoiceFactory, ExamFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def url(path):
    return f"/api/v1/{path}"


def test_timed_exam_flow_through_the_api(as_user, course, learner):
    exam = ExamFactory(course=course, time_limit_minutes=30)
    question = QuestionFactory(exam=exam, numeric_answer=Decimal(42))
    client = as_user(learner)

    created = client.post(url(f"exams/{exam.pk}/attempts/"), {}, format="json")
    assert created.status_code == 201
    attempt_id = created.json()["id"]
    started = client.post(url(f"attempts/{attempt_id}/start/"))
    saved = client.put(
        url(f"attempts/{attempt_id}/answers/{question.pk}/"), {"response": "42"}, format="json"
    )
    polled = client.get(url(f"attempts/{attempt_id}/"))
    submitted = client.post(url(f"attempts/{attempt_id}/submit/"))

    assert started.json()["status"] == "started"
    assert 1795 <= started.json()["time_remaining_seconds"] <= 1800
    assert started.json()["warning_seconds"] == [360, 90]
    assert saved.status_code == 200
    assert saved.json()["response"] == "42"
    assert polled.json()["status"] == "started"
    assert polled.json()["allowed_minutes"] == "30.00"
    assert submitted.json()["status"] == "completed"
    assert submitted.json()["score_percent"] == "100.0"
    assert submitted.json()["passed"] is True


@pytest.mark.parametrize(("cookie", "recorded"), [(None, "en"), ("ar", "ar"), ("fr", "fr")])
def test_an_attempt_records_the_language_its_learner_uses(
    as_user, course, learner, cookie, recorded
):
    client = as_user(learner)
    if cookie is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie

    created = client.post(
        url(f"exams/{ExamFactory(course=course).pk}/attempts/"), {}, format="json"
    )

    assert created.status_code == 201
    assert Attempt.objects.get(pk=created.json()["id"]).language == recorded


def test_exam_detail_offers_proctoring_choices_to_a_verified_learner(as_user, course, learner):
    exam = ExamFactory(course=course, proctored=True)

    body = as_user(learner).get(url(f"exams/{exam.pk}/")).json()

    assert body["offers"] == ["proctored", "opt_out"]
    assert body["attempt"] is None


def test_exam_detail_offers_an_open_exam_to_an_audit_learner(as_user, course, auditor):
    exam = ExamFactory(course=course, proctored=True)

    body = as_user(auditor).get(url(f"exams/{exam.pk}/")).json()

    assert body["offers"] == ["open"]


def test_opt_out_refused_when_course_forbids_it(as_user, course, learner):
    course.allow_opting_out = False
    course.save()
    exam = ExamFactory(course=course, proctored=True)

    response = as_user(learner).post(
        url(f"exams/{exam.pk}/attempts/"), {"proctored": False}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "opt_out_not_allowed"
    assert exam.attempts.count() == 0


def test_start_of_proctored_attempt_before_setup_is_refused(as_user, course, learner):
    exam = ExamFactory(course=course, proctored=True)
    attempt = AttemptFactory(exam=exam, learner=learner)

    response = as_user(learner).post(url(f"attempts/{attempt.pk}/start/"))

    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    attempt.refresh_from_db()
    assert attempt.status == S.CREATED


def test_answer_after_deadline_is_refused_and_attempt_closed(as_user, course, learner):
    exam = ExamFactory(course=course)
    question = QuestionFactory(exam=exam)
    attempt = AttemptFactory(
        exam=exam,
        learner=learner,
        started=True,
        started_at=timezone.now() - timedelta(minutes=61),
    )

    response = as_user(learner).put(
        url(f"attempts/{attempt.pk}/answers/{question.pk}/"), {"response": "42"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "deadline_passed"
    attempt.refresh_from_db()
    assert attempt.status == S.TIMED_OUT
    assert Answer.objects.count() == 0


def test_poll_closes_an_overdue_attempt(as_user, course, learner):
    exam = ExamFactory(course=course)
    attempt = AttemptFactory(
        exam=exam, learner=learner, started=True, started_at=timezone.now() - timedelta(hours=2)
    )

    body = as_user(learner).get(url(f"attempts/{attempt.pk}/")).json()

    assert body["status"] == "timed_out"
    assert body["time_remaining_seconds"] is None


@pytest.mark.parametrize(
    ("response_value", "code"),
    [
        ("abc", "invalid_input"),
        ([1, 2], "invalid_input"),
        (None, "invalid_input"),
        ("1e999999999", "invalid_input"),  # overflowed the decimal context: a 500
        ("-1E+99999", "invalid_input"),
        ("NaN", "invalid_input"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_error(as_user, course, learner, response_value, code):
    exam = ExamFactory(course=course)
    question = QuestionFactory(exam=exam)
    attempt = AttemptFactory(exam=exam, learner=learner, started=True)

    response = as_user(learner).put(
        url(f"attempts/{attempt.pk}/answers/{question.pk}/"),
        {"response": response_value},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert Answer.objects.count() == 0


def test_choice_of_another_question_is_refused(as_user, course, learner):
    exam = ExamFactory(course=course)
    question = QuestionFactory(exam=exam, kind="single_choice", numeric_answer=None)
    ChoiceFactory(question=question, is_correct=True)
    stranger = ChoiceFactory()
    attempt = AttemptFactory(exam=exam, learner=learner, started=True)

    response = as_user(learner).put(
        url(f"attempts/{attempt.pk}/answers/{question.pk}/"),
        {"response": [stranger.pk]},
        format="json",
    )

    assert response.status_code == 400


ACTIONS = ["start", "stop", "continue", "submit", "reset", "error", "setup"]


@pytest.mark.parametrize("action", ACTIONS)
def test_another_learner_cannot_act_on_an_attempt(as_user, course, learner, other_learner, action):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    history = AttemptTransition.objects.count()

    response = as_user(other_learner).post(url(f"attempts/{attempt.pk}/{action}/"))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED
    assert AttemptTransition.objects.count() == history


def test_missing_and_foreign_attempts_look_the_same(as_user, course, learner, other_learner):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner)

    foreign = as_user(other_learner).get(url(f"attempts/{attempt.pk}/"))
    missing = as_user(other_learner).get(url(f"attempts/{attempt.pk + 1000}/"))

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


@pytest.mark.smoke  # SQLite refuses integers past 64 bits; the answer must still be 404
@pytest.mark.parametrize("attempt_id", [2**63, 2**70])
@pytest.mark.parametrize("method", ["poll", *ACTIONS])
def test_an_id_too_large_for_the_database_is_not_found(as_user, learner, attempt_id, method):
    client = as_user(learner)
    if method == "poll":
        response = client.get(url(f"attempts/{attempt_id}/"))
    else:
        response = client.post(url(f"attempts/{attempt_id}/{method}/"))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_another_learner_cannot_save_answers(as_user, course, learner, other_learner):
    exam = ExamFactory(course=course)
    question = QuestionFactory(exam=exam)
    attempt = AttemptFactory(exam=exam, learner=learner, started=True)

    response = as_user(other_learner).put(
        url(f"attempts/{attempt.pk}/answers/{question.pk}/"), {"response": "1"}, format="json"
    )

    assert response.status_code == 404
    assert Answer.objects.count() == 0


def test_anonymous_calls_are_refused(api, course):
    exam = ExamFactory(course=course)

    responses = [
        api.get(url(f"courses/{course.course_id}/exams/")),
        api.get(url(f"exams/{exam.pk}/")),
        api.post(url(f"exams/{exam.pk}/attempts/"), {}, format="json"),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert {r.json()["code"] for r in responses} == {"not_authenticated"}


def test_learner_of_another_course_sees_no_exam(as_user, learner, other_instructor):
    exam = ExamFactory(course=other_instructor.exam_course_roles.get().course)

    assert as_user(learner).get(url(f"exams/{exam.pk}/")).status_code == 404


def test_course_exam_list_costs_constant_queries(
    as_user, course, learner, django_assert_max_num_queries
):
    for _ in range(10):
        exam = ExamFactory(course=course)
        AttemptFactory(exam=exam, learner=learner, started=True)
    client = as_user(learner)

    with django_assert_max_num_queries(7):
        response = client.get(url(f"courses/{course.course_id}/exams/"))

    assert response.status_code == 200
    assert len(response.json()) == 10


def test_status_poll_costs_one_query(as_user, course, learner, django_assert_num_queries):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    client = as_user(learner)

    # the attempt with its exam and its learner's row (the session comes from the cache)
    with django_assert_num_queries(1):
        response = client.get(url(f"attempts/{attempt.pk}/"))

    assert response.status_code == 200


def test_status_poll_answers_as_the_drf_view_does(as_user, course, learner):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    client = as_user(learner)

    fast = client.get(url(f"attempts/{attempt.pk}/"), HTTP_ACCEPT="application/json")
    # ?format= is answered by DRF itself
    full = client.get(url(f"attempts/{attempt.pk}/?format=json"))

    assert fast.status_code == full.status_code == 200
    for header in ("Content-Type", "Allow", "Vary", "X-Frame-Options"):
        assert fast.headers.get(header) == full.headers.get(header), header
    clock = {"server_time", "time_remaining_seconds"}
    fast_body = {k: v for k, v in fast.json().items() if k not in clock}
    assert fast_body == {k: v for k, v in full.json().items() if k not in clock}
    assert set(fast.json()) == set(full.json())


def test_status_poll_refuses_a_session_whose_password_changed(as_user, course, learner):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    client = as_user(learner)
    learner.set_password("changed on another device")
    learner.save()

    response = client.get(url(f"attempts/{attempt.pk}/"))

    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_status_poll_refuses_a_deactivated_learner(as_user, course, learner):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    client = as_user(learner)
    learner.is_active = False
    learner.save()

    assert client.get(url(f"attempts/{attempt.pk}/")).status_code == 403


def test_status_poll_hides_another_learners_attempt(as_user, course, learner):
    attempt = AttemptFactory(exam=ExamFactory(course=course), started=True)

    response = as_user(learner).get(url(f"attempts/{attempt.pk}/"))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_status_poll_accepts_a_session_signed_with_a_retired_secret(
    as_user, course, learner, settings
):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    client = as_user(learner)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a new secret key, rotated in after the learner signed in"

    response = client.get(url(f"attempts/{attempt.pk}/"))

    assert response.status_code == 200
    assert response.json()["id"] == attempt.pk


def test_status_poll_serves_the_browsable_api_to_a_browser(as_user, course, learner):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)

    response = as_user(learner).get(url(f"attempts/{attempt.pk}/"), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_schema_and_docs_are_served(as_user, learner):
    client = as_user(learner)

    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_page_cannot_report_a_software_error_after_the_exam_ended(as_user, course, learner):
    attempt = AttemptFactory(
        exam=ExamFactory(course=course, proctored=True), learner=learner, status=S.COMPLETED
    )

    response = as_user(learner).post(url(f"attempts/{attempt.pk}/error/"))

    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    attempt.refresh_from_db()
    assert attempt.status == S.COMPLETED
