"""The Special Exam dashboard's API: the attempts list (search, filters, pages, query count)
and clearing an attempt with DELETE."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import Answer, Attempt, AuditLogEntry
from exams.selectors.staff import AttemptFilters, attempts_for_course
from exams.statuses import AttemptStatus as S
from tests.factories import (
    AttemptFactory,
    CourseFactory,
    ExamFactory,
    QuestionFactory,
    UserFactory,
    attempts_in_bulk,
)

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "learner", "other_instructor", "instructor", "support"]


def client_for(request, api, as_user, actor):
    if actor == "anonymous":
        return api
    return as_user(request.getfixturevalue(actor))


def expected_denial(actor):
    """What a denied actor gets: anonymous 403 not_authenticated, others 404 not_found."""
    return (403, "not_authenticated") if actor == "anonymous" else (404, "not_found")


def list_url(course, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/v1/courses/{course.course_id}/attempts/" + (f"?{query}" if query else "")


@pytest.fixture
def midterm(course):
    return ExamFactory(course=course, name="Midterm", time_limit_minutes=60)


@pytest.fixture
def final(course):
    return ExamFactory(course=course, name="Final", proctored=True, time_limit_minutes=90)


@pytest.mark.parametrize("actor", ACTORS)
def test_attempt_list_is_for_course_staff_and_support_only(
    request, api, as_user, course, learner, midterm, actor
):
    AttemptFactory(exam=midterm, learner=learner)

    response = client_for(request, api, as_user, actor).get(list_url(course))

    if actor in ("instructor", "support"):
        assert response.status_code == 200
        assert response.json()["count"] == 1
    else:
        status, code = expected_denial(actor)
        assert response.status_code == status
        assert response.json()["code"] == code


def test_attempt_list_of_a_missing_course_looks_like_a_forbidden_one(as_user, other_instructor):
    missing = as_user(other_instructor).get("/api/v1/courses/course-v1:No+Such+Course/attempts/")
    forbidden = as_user(other_instructor).get(list_url(CourseFactory()))

    assert (missing.status_code, missing.json()) == (forbidden.status_code, forbidden.json())
    assert missing.status_code == 404


def test_attempt_row_has_every_column(as_user, course, learner, instructor, final):
    started = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    attempt = AttemptFactory(
        exam=final,
        learner=learner,
        status=S.SUBMITTED,
        taking_as_proctored=True,
        started_at=started,
        completed_at=started + timedelta(minutes=80),
        allowed_seconds=120 * 60,
    )

    body = as_user(instructor).get(list_url(course)).json()

    assert body == {
        "count": 1,
        "page": 1,
        "pages": 1,
        "page_size": 25,
        "results": [
            {
                "id": attempt.pk,
                "username": "learner",
                "email": "learner@example.com",
                "exam_id": final.pk,
                "exam_name": "Final",
                "exam_type": "proctored",
                "allowed_minutes": "120.00",
                "started_at": "2026-11-02T09:00:00Z",
                "completed_at": "2026-11-02T10:20:00Z",
                "status": "submitted",
                "status_label": "Submitted",
                "taking_as_proctored": True,
                "is_sample_attempt": False,
            }
        ],
    }


def test_attempt_list_is_newest_first_and_only_this_course(
    as_user, course, learner, other_learner, instructor, midterm, final
):
    first = AttemptFactory(exam=midterm, learner=learner)
    second = AttemptFactory(exam=final, learner=other_learner)
    AttemptFactory(exam=ExamFactory(course=CourseFactory()))

    body = as_user(instructor).get(list_url(course)).json()

    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]


@pytest.fixture
def searchable(course, midterm):
    """Three learners whose names and e-mails share beginnings."""
    people = {
        "ann": UserFactory(username="Ann.Lee", email="ann.lee@school.example"),
        "anna": UserFactory(username="annabel", email="bel@Example.org"),
        "bob": UserFactory(username="bob", email="Ann.Other@example.com"),
    }
    return {key: AttemptFactory(exam=midterm, learner=user) for key, user in people.items()}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ann", {"ann", "anna", "bob"}),  # username prefixes (any case) and an e-mail prefix
        ("ANNA", {"anna"}),
        ("Ann.L", {"ann"}),
        ("bel@example.ORG", {"anna"}),  # whole e-mail, any case
        ("ann.other@", {"bob"}),  # e-mail prefix
        ("nna", set()),  # no substring matches, only beginnings
        ("zed", set()),
    ],
)
def test_search_matches_username_or_email_beginnings_ignoring_case(
    as_user, course, instructor, searchable, q, expected
):
    body = as_user(instructor).get(list_url(course, q=q)).json()

    ids = {key: attempt.pk for key, attempt in searchable.items()}
    assert {row["id"] for row in body["results"]} == {ids[key] for key in expected}
    assert body["count"] == len(expected)


def test_filters_by_exam_and_status_together(
    as_user, course, learner, other_learner, instructor, midterm, final
):
    AttemptFactory(exam=midterm, learner=learner, status=S.COMPLETED)
    wanted = AttemptFactory(exam=final, learner=learner, status=S.ERROR)
    AttemptFactory(exam=final, learner=other_learner, status=S.STARTED)

    by_exam = as_user(instructor).get(list_url(course, exam=final.pk)).json()
    both = as_user(instructor).get(list_url(course, exam=final.pk, status="error")).json()

    assert by_exam["count"] == 2
    assert [row["id"] for row in both["results"]] == [wanted.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"exam": "abc"}, "exam"),
        ({"exam": "-1"}, "exam"),
        ({"exam": "1.5"}, "exam"),
        ({"status": "finished"}, "status"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "2"}, "page"),  # beyond the end: one attempt, one page
    ],
)
def test_bad_filters_are_refused_with_the_field(
    as_user, course, learner, instructor, midterm, params, field
):
    AttemptFactory(exam=midterm, learner=learner)

    response = as_user(instructor).get(list_url(course, **params))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert response.json()["extra"]["field"] == field


def test_exam_of_another_course_is_refused(as_user, course, instructor):
    elsewhere = ExamFactory(course=CourseFactory())

    response = as_user(instructor).get(list_url(course, exam=elsewhere.pk))

    assert response.status_code == 400
    assert response.json()["message"] == f"No exam {elsewhere.pk} in this course."


def test_page_past_the_end_says_how_many_pages_there_are(as_user, course, instructor, midterm):
    attempts_in_bulk(midterm, 26)

    response = as_user(instructor).get(list_url(course, page=3))

    assert response.status_code == 400
    assert response.json()["message"] == "Page 3 does not exist; there are 2."
    assert response.json()["extra"]["pages"] == 2


def test_pages_hold_25_attempts_and_the_rest(as_user, course, instructor, midterm):
    attempts = attempts_in_bulk(midterm, 26)
    newest_first = sorted(attempts, key=lambda a: (a.created, a.pk), reverse=True)

    first = as_user(instructor).get(list_url(course, page=1)).json()
    second = as_user(instructor).get(list_url(course, page=2)).json()

    assert (first["count"], first["page"], first["pages"]) == (26, 1, 2)
    assert [row["id"] for row in first["results"]] == [a.pk for a in newest_first[:25]]
    assert (second["page"], [row["id"] for row in second["results"]]) == (
        2,
        [newest_first[25].pk],
    )


def test_first_page_of_a_course_without_attempts_is_empty(as_user, course, instructor):
    body = as_user(instructor).get(list_url(course)).json()

    assert body == {"count": 0, "page": 1, "pages": 1, "page_size": 25, "results": []}


def test_attempt_list_costs_the_same_queries_for_10_and_500_attempts(
    as_user, course, instructor, midterm, django_assert_num_queries
):
    client = as_user(instructor)
    attempts_in_bulk(midterm, 10)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(list_url(course, exam=midterm.pk)).status_code == 200
    attempts_in_bulk(midterm, 490)

    with django_assert_num_queries(len(ten)):
        response = client.get(list_url(course, exam=midterm.pk))

    assert response.json()["count"] == 500
    # Session and user (however sessions are stored), course, role, then the selector's three.
    assert len(ten) <= 7


def test_attempts_selector_costs_three_queries(course, midterm, final, django_assert_num_queries):
    attempts_in_bulk(midterm, 30)
    filters = AttemptFilters(q="user", exam_id=midterm.pk, status="created", page=2)

    with django_assert_num_queries(3):  # the exam check, the count, the page
        page = attempts_for_course(course=course, filters=filters)
        assert [row.exam_name for row in page.results] == ["Midterm"] * 5


# Clearing an attempt: DELETE /api/v1/attempts/{id}/


@pytest.fixture
def answered(course, learner, midterm):
    attempt = AttemptFactory(exam=midterm, learner=learner, started=True)
    Answer.objects.create(attempt=attempt, question=QuestionFactory(exam=midterm), response="42")
    return attempt


@pytest.mark.parametrize("actor", ACTORS)
def test_clear_is_for_course_staff_and_support_only(request, api, as_user, answered, actor):
    response = client_for(request, api, as_user, actor).delete(f"/api/v1/attempts/{answered.pk}/")

    if actor in ("instructor", "support"):
        assert response.status_code == 204
        assert not Attempt.objects.filter(pk=answered.pk).exists()
        assert not Answer.objects.filter(attempt_id=answered.pk).exists()
    else:
        status, code = expected_denial(actor)
        assert (response.status_code, response.json()["code"]) == (status, code)
        assert Attempt.objects.get(pk=answered.pk).status == S.STARTED
        assert Answer.objects.filter(attempt=answered).count() == 1
        assert not AuditLogEntry.objects.exists()


def test_clear_is_audited_and_a_second_clear_is_not_found(as_user, instructor, answered):
    client = as_user(instructor)

    first = client.delete(f"/api/v1/attempts/{answered.pk}/")
    second = client.delete(f"/api/v1/attempts/{answered.pk}/")

    assert (first.status_code, second.status_code) == (204, 404)
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.learner_id) == (
        "attempt_cleared",
        instructor,
        answered.learner_id,
    )
    assert entry.target == f"attempt {answered.attempt_code}"


def test_cleared_attempt_leaves_the_list_and_the_learner_starts_again(
    as_user, course, learner, instructor, answered, midterm
):
    as_user(instructor).delete(f"/api/v1/attempts/{answered.pk}/")

    listed = as_user(instructor).get(list_url(course)).json()
    exam = as_user(learner).get(f"/api/v1/exams/{midterm.pk}/").json()

    assert listed["count"] == 0
    assert exam["attempt"] is None
    assert exam["offers"] == ["start"]


def test_learner_still_reads_their_own_attempt_at_the_same_address(as_user, learner, answered):
    response = as_user(learner).get(f"/api/v1/attempts/{answered.pk}/")

    assert response.status_code == 200
    assert response.json()["status"] == "started"
