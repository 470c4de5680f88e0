"""Beat tasks of proctoring: sessions whose opening was lost are opened."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exams.models import Attempt
from exams.state_machine import AttemptStatus as S
from proctoring.models import ProviderSession
from proctoring.tasks import sessions_open_missing_task
from tests.factories import AttemptFactory, ExamFactory

pytestmark = pytest.mark.django_db


def test_lost_session_opening_is_done_by_the_sweep(course, learner):
    course.proctoring_provider = "simulated"
    course.save()
    attempt = AttemptFactory(
        exam=ExamFactory(course=course, proctored=True),
        learner=learner,
        status=S.DOWNLOAD_SOFTWARE_CLICKED,
    )
    Attempt.objects.filter(pk=attempt.pk).update(modified=timezone.now() - timedelta(minutes=5))

    opened = sessions_open_missing_task()
    again = sessions_open_missing_task()

    assert (opened, again) == (1, 0)
    assert ProviderSession.objects.get().attempt_id == attempt.pk


def test_recent_setups_are_left_to_their_own_task(course, learner):
    AttemptFactory(
        exam=ExamFactory(course=course, proctored=True),
        learner=learner,
        status=S.DOWNLOAD_SOFTWARE_CLICKED,
    )

    assert sessions_open_missing_task() == 0
