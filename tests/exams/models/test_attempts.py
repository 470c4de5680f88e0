"""What the database itself holds true of attempts."""

import pytest
from django.db import IntegrityError, connection, transaction

from exams.models import Attempt
from tests.factories import AttemptFactory, CourseFactory, ExamFactory

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the (exam, course) key is PostgreSQL's"
)
def test_an_attempt_cannot_name_a_course_other_than_its_exams():
    exam = ExamFactory()
    attempt = AttemptFactory(exam=exam)

    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        Attempt.objects.filter(pk=attempt.pk).update(course=CourseFactory())

    assert Attempt.objects.get(pk=attempt.pk).course_id == exam.course_id
