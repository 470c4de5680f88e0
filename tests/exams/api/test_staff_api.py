"""Staff's resume endpoint: only the course's staff or support may let a learner resume."""

import pytest
from django.utils import timezone

from exams.models import AttemptTransition
from exams.statuses import AttemptStatus as S
from tests.factories import AttemptFactory, ExamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def errored(course, learner):
    return AttemptFactory(
        exam=ExamFactory(course=course, proctored=True),
        learner=learner,
        status=S.ERROR,
        started_at=timezone.now(),
        paused_remaining_seconds=600,
    )


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("learner", 404),
        ("other_learner", 404),
        ("other_instructor", 404),
        ("instructor", 200),
        ("support", 200),
    ],
)
def test_resume_is_for_course_staff_and_support(request, as_user, errored, actor, status):
    user = request.getfixturevalue(actor)

    response = as_user(user).post(f"/api/v1/attempts/{errored.pk}/resume/")

    assert response.status_code == status
    errored.refresh_from_db()
    if status == 200:
        assert response.json()["status"] == "ready_to_start"
        assert errored.status == S.READY_TO_START
    else:
        assert errored.status == S.ERROR
        assert not AttemptTransition.objects.filter(attempt=errored).exists()


def test_resume_of_a_running_attempt_is_refused(as_user, course, learner, instructor):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)

    response = as_user(instructor).post(f"/api/v1/attempts/{attempt.pk}/resume/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_resumable"
