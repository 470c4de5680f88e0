"""Two reviews of one attempt processed at the same time (a worker with concurrency 2): the
newer review wins whatever the order, on PostgreSQL's row locks."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from exams.models import Attempt, EnrollmentMode
from exams.statuses import AttemptStatus as S
from proctoring.models import CallbackDelivery, Review
from proctoring.services import callback_process
from tests.exams.test_races import _race
from tests.factories import AttemptFactory, EnrollmentFactory, ExamFactory, UserFactory
from tests.proctoring.conftest import review

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

ATTEMPTS = 20


def _delivery(attempt, verdict, reviewed_at):
    payload = review(attempt.attempt_code, verdict, at=reviewed_at)
    return CallbackDelivery.objects.create(
        provider="simulated",
        delivery_id=payload["delivery_id"],
        received_at=timezone.now(),
        headers={},
        body=json.dumps(payload),
        attempt_code=attempt.attempt_code,
        event="review",
    )


def test_the_newer_of_two_racing_reviews_wins(course):
    course.proctoring_provider = "simulated"
    course.save()
    exam = ExamFactory(course=course, proctored=True)
    earlier = timezone.now() - timedelta(minutes=10)
    deliveries = []
    attempts = []
    for _ in range(ATTEMPTS):
        someone = UserFactory()
        EnrollmentFactory(user=someone, course=course, mode=EnrollmentMode.VERIFIED)
        attempt = AttemptFactory(exam=exam, learner=someone, status=S.SUBMITTED)
        attempts.append(attempt)
        deliveries.append(_delivery(attempt, "passed", earlier).pk)
        deliveries.append(_delivery(attempt, "violation", earlier + timedelta(minutes=5)).pk)

    outcomes = _race(len(deliveries), deliveries, lambda pk: callback_process(delivery_id=pk))

    assert [error for _, _, error in outcomes if error] == []
    finals = dict(
        Attempt.objects.filter(pk__in=[a.pk for a in attempts]).values_list("pk", "status")
    )
    assert set(finals.values()) == {S.REJECTED}, finals
    for attempt in attempts:
        applied = Review.objects.filter(attempt=attempt, is_applied=True).order_by("-reviewed_at")
        assert applied.first().verdict == "violation"
