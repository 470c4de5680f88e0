"""Migration 0004 gives every existing attempt its exam's course."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("exams", "0003_alter_attempt_allowed_seconds")]
AFTER = [("exams", "0004_attempt_course")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_attempts_get_their_exams_course():
    apps = _migrate(BEFORE)
    try:
        user = apps.get_model("auth", "User").objects.create(username="ann")
        Course = apps.get_model("exams", "Course")
        Exam = apps.get_model("exams", "Exam")
        Attempt = apps.get_model("exams", "Attempt")
        exams = [
            Exam.objects.create(
                course=Course.objects.create(course_id=f"course-v1:X+{n}+2026", name=f"C{n}"),
                name=f"Exam {n}",
                exam_type="timed",
                time_limit_minutes=30,
            )
            for n in range(2)
        ]
        made = {Attempt.objects.create(exam=exam, learner=user).pk: exam for exam in exams}

        apps = _migrate(AFTER)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    Attempt = apps.get_model("exams", "Attempt")
    assert dict(Attempt.objects.values_list("pk", "course_id")) == {
        pk: exam.course_id for pk, exam in made.items()
    }
