"""No existence oracle: an object the requester may not see and one that does not exist get
the same answer (status, code and message), on every API route that takes an object's number.

`other_instructor` manages another course; every object below belongs to `course`. The
learner tries another learner's attempt. A number that was never used stands for "missing".
"""

from typing import Any

import pytest
from django.urls import reverse

from reports import services as report_services
from reports.models import ReportJob
from reports.state_machine import JobStatus
from tests.factories import (
    AllowanceFactory,
    AttemptFactory,
    CourseFactory,
    EnrollmentFactory,
    ExamFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MISSING = 987_654_321


@pytest.fixture
def objects(course, instructor, other_learner) -> dict[str, Any]:
    exam = ExamFactory(course=course)
    question = QuestionFactory(exam=exam)
    attempt = AttemptFactory(exam=exam, learner=other_learner, started=True)
    job = report_services.report_request(course=course, user=instructor)
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    return {
        "exam": exam,
        "question": question,
        "attempt": attempt,
        "allowance": AllowanceFactory(exam=exam, learner=other_learner),
        "job": job,
    }


# (route, method, the actor's fixture, the route's arguments from the objects or MISSING)
ROUTES: list[tuple[str, str, str, Any]] = [
    ("exams-api:exam-detail", "get", "other_learner_elsewhere", lambda o, m: [m(o["exam"])]),
    ("exams-api:attempt-create", "post", "other_learner_elsewhere", lambda o, m: [m(o["exam"])]),
    *[
        (f"exams-api:attempt-{action}", method, "learner", lambda o, m: [m(o["attempt"])])
        for action, method in [
            ("detail", "get"),
            ("setup", "post"),
            ("start", "post"),
            ("stop", "post"),
            ("continue", "post"),
            ("submit", "post"),
            ("reset", "post"),
            ("error", "post"),
        ]
    ],
    (
        "exams-api:answer-save",
        "put",
        "learner",
        lambda o, m: [m(o["attempt"]), o["question"].pk],
    ),
    ("exams-api:attempt-resume", "post", "other_instructor", lambda o, m: [m(o["attempt"])]),
    ("exams-api:exam-settings", "get", "other_instructor", lambda o, m: [m(o["exam"])]),
    ("exams-api:exam-settings", "patch", "other_instructor", lambda o, m: [m(o["exam"])]),
    ("exams-api:allowance-detail", "delete", "other_instructor", lambda o, m: [m(o["allowance"])]),
    ("reports-api:report-retry", "post", "other_instructor", lambda o, m: [m(o["job"])]),
]


@pytest.fixture
def other_learner_elsewhere(db):
    """A learner enrolled in another course only."""
    user = UserFactory(username="elsewhere-learner")
    EnrollmentFactory(user=user, course=CourseFactory(course_id="course-v1:Else+Y+2026"))
    return user


def _answer(client, name: str, method: str, args: list[Any]) -> tuple[int, Any]:
    response = getattr(client, method)(
        reverse(name, args=args), {}, content_type="application/json"
    )
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("name", "method", "actor", "args"), ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES]
)
def test_hidden_and_missing_objects_get_the_same_answer(
    client, request, objects, name, method, actor, args
):
    client.force_login(request.getfixturevalue(actor))

    hidden = _answer(client, name, method, args(objects, lambda obj: obj.pk))
    missing = _answer(client, name, method, args(objects, lambda obj: MISSING))

    assert hidden[0] == 404
    assert hidden == missing
