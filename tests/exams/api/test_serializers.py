"""The timer poll's hand-built output is exactly what AttemptOutput would give."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from exams.api.serializers import AttemptOutput, attempt_output
from exams.selectors.learner import attempt_summary
from exams.statuses import AttemptStatus as S
from tests.factories import AttemptFactory, ExamFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"status": S.CREATED},
        {"started": True},
        {"started": True, "allowed_seconds": 5430, "cut_by_due_date": True},
        {
            "status": S.COMPLETED,
            "points_earned": Decimal(2),
            "points_possible": Decimal(3),
            "graded_at": timezone.now(),
            "completed_at": timezone.now(),
            "started_at": timezone.now() - timedelta(minutes=5),
            "allowed_seconds": 600,
        },
        {"status": S.ERROR, "paused_remaining_seconds": 42, "started_at": timezone.now()},
    ],
)
def test_hand_built_output_equals_the_serializer(course, learner, fields):
    for proctored in (False, True):
        exam = ExamFactory(course=course, proctored=proctored)
        attempt = AttemptFactory(exam=exam, learner=learner, **fields)
        summary = attempt_summary(attempt, now=timezone.now())

        assert attempt_output(summary) == AttemptOutput(summary).data
        attempt.delete()


def test_the_schema_component_and_the_json_come_from_the_one_declaration():
    from dataclasses import fields

    from exams.selectors.attempt_shape import AttemptSummary

    names = [field.name for field in fields(AttemptSummary)]
    assert list(AttemptOutput().fields) == names


def test_the_columns_declared_are_all_the_summary_reads(course, learner, django_assert_num_queries):
    from exams.models import Attempt
    from exams.selectors.attempt_shape import ATTEMPT_COLUMNS

    exam = ExamFactory(course=course, proctored=True)
    AttemptFactory(
        exam=exam,
        learner=learner,
        status=S.VERIFIED,
        taking_as_proctored=True,
        points_earned=Decimal(2),
        points_possible=Decimal(3),
        graded_at=timezone.now(),
        allowed_seconds=600,
    )
    attempt = (
        Attempt.objects.select_related("exam")
        .only(*ATTEMPT_COLUMNS, "exam__exam_type", "exam__passing_percent")
        .get()
    )

    # a column read that was not declared would load itself: one query
    with django_assert_num_queries(0):
        output = attempt_output(attempt_summary(attempt, now=timezone.now()))

    assert output["score_percent"] == "66.7" and output["review_result"] == "Satisfactory"
