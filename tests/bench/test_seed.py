"""The benchmarks' bulk loader writes rows the models accept: a column added to a model without
a value here fails this test, not a `make bench` run (it once failed every case that seeds
attempts, after the attempt's language column was added)."""

import pytest

from bench import seed
from exams.models import Attempt, Enrollment

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_loader_seeds_users_enrollments_and_attempts_the_models_read():
    course, exams = seed.course_with_exams("course-v1:Bench+Seed+2026", 3)
    learner_ids = seed.users(4, prefix="seed_")

    enrolled = seed.enrollments(course, learner_ids)
    made = seed.attempts(exams, learner_ids, per_user=2)

    assert (enrolled, made) == (4, 8)
    assert Enrollment.objects.filter(course=course).count() == 4
    attempts = list(Attempt.objects.filter(course=course))
    assert len(attempts) == 8
    for attempt in attempts:
        attempt.full_clean(exclude=["learner", "exam", "course"])
