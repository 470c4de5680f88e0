"""The locked attempt by hand-written query reads what the ORM would read (PostgreSQL and
SQLite: marked smoke), and on PostgreSQL holds the row lock until commit."""

import threading
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from exams.models import Attempt
from exams.selectors import attempt_get_locked
from tests.factories import AttemptFactory, CourseFactory, ExamFactory


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.django_db
@pytest.mark.smoke
def test_reads_the_attempt_its_exam_and_course_as_the_orm_does():
    course = CourseFactory()
    exam = ExamFactory(course=course, passing_percent=Decimal("62.50"), due_at=timezone.now())
    attempt = AttemptFactory(exam=exam, graded=True)
    stored = Attempt.objects.select_related("exam__course").get(pk=attempt.pk)

    with transaction.atomic():
        read = attempt_get_locked(attempt_id=attempt.pk)

    for got, want in ((read, stored), (read.exam, stored.exam), (read.exam.course, course)):
        assert _fields(got) == _fields(want)
        assert {k: type(v) for k, v in _fields(got).items()} == {
            k: type(v) for k, v in _fields(want).items()
        }
    assert read.started_at.tzinfo is not None
    assert read._state.adding is False


@pytest.mark.django_db
@pytest.mark.smoke
@pytest.mark.parametrize("attempt_id", [123456, 2**63, 2**70])
def test_a_missing_attempt_is_does_not_exist(attempt_id):
    with pytest.raises(Attempt.DoesNotExist), transaction.atomic():
        attempt_get_locked(attempt_id=attempt_id)


@pytest.mark.django_db(transaction=True)
def test_refuses_to_run_outside_a_transaction():
    attempt = AttemptFactory()

    with pytest.raises(TransactionManagementError):
        attempt_get_locked(attempt_id=attempt.pk)


@pytest.mark.django_db
def test_costs_one_query(django_assert_num_queries):
    attempt = AttemptFactory()

    with transaction.atomic(), django_assert_num_queries(1):
        attempt_get_locked(attempt_id=attempt.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_holds_the_row_lock_until_commit():
    attempt = AttemptFactory()
    seen: list[str] = []

    def try_lock_elsewhere() -> None:
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '100ms'")
                cursor.execute(
                    "SELECT id FROM exams_attempt WHERE id = %s FOR UPDATE", [attempt.pk]
                )
            seen.append("locked")
        except OperationalError:
            seen.append("waited")
        finally:
            other.close()

    with transaction.atomic():
        attempt_get_locked(attempt_id=attempt.pk)
        thread = threading.Thread(target=try_lock_elsewhere)
        thread.start()
        thread.join()
    after = threading.Thread(target=try_lock_elsewhere)
    after.start()
    after.join()

    assert seen == ["waited", "locked"]
