"""factory-boy factories for every model, with traits for the usual states."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from exams.models import (
    Allowance,
    AllowanceKind,
    Attempt,
    Choice,
    Course,
    CourseRole,
    Enrollment,
    EnrollmentMode,
    Exam,
    ExamType,
    Question,
    QuestionKind,
    RoleName,
)
from exams.statuses import AttemptStatus


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw")


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("course_id",)

    course_id = factory.Sequence(lambda n: f"course-v1:Org+C{n}+2026")
    name = factory.Sequence(lambda n: f"Course {n}")
    proctored_exams_enabled = True
    allow_opting_out = True
    proctoring_provider = "null"


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    mode = EnrollmentMode.VERIFIED


class CourseRoleFactory(DjangoModelFactory):
    class Meta:
        model = CourseRole

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    role = RoleName.INSTRUCTOR


class ExamFactory(DjangoModelFactory):
    class Meta:
        model = Exam

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Exam {n}")
    exam_type = ExamType.TIMED
    time_limit_minutes = 60
    passing_percent = Decimal("50.00")

    class Params:
        proctored = factory.Trait(exam_type=ExamType.PROCTORED)
        practice = factory.Trait(
            exam_type=ExamType.PRACTICE, is_graded=False, time_limit_minutes=10
        )


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    exam = factory.SubFactory(ExamFactory)
    kind = QuestionKind.NUMERIC
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    points = Decimal(1)
    numeric_answer = Decimal(42)
    numeric_tolerance = Decimal(0)


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind=QuestionKind.SINGLE_CHOICE)
    text = factory.Sequence(lambda n: f"Option {n}")
    is_correct = False


class AttemptFactory(DjangoModelFactory):
    """An attempt; factories may set a status directly to arrange a test."""

    class Meta:
        model = Attempt

    exam = factory.SubFactory(ExamFactory)
    course = factory.LazyAttribute(lambda o: o.exam.course)
    learner = factory.SubFactory(UserFactory)
    status = AttemptStatus.CREATED
    taking_as_proctored = factory.LazyAttribute(lambda o: o.exam.is_proctored_type)
    is_sample_attempt = factory.LazyAttribute(lambda o: o.exam.is_practice)

    class Params:
        started = factory.Trait(
            status=AttemptStatus.STARTED,
            started_at=factory.LazyFunction(timezone.now),
            allowed_seconds=factory.LazyAttribute(lambda o: o.exam.time_limit_minutes * 60),
            deadline_at=factory.LazyAttribute(
                lambda o: o.started_at + timedelta(seconds=o.allowed_seconds)
            ),
        )
        # Submitted half way through its hour and graded: 7.5 of 10 points.
        graded = factory.Trait(
            status=AttemptStatus.COMPLETED,
            completed_at=factory.LazyFunction(timezone.now),
            started_at=factory.LazyAttribute(lambda o: o.completed_at - timedelta(minutes=30)),
            deadline_at=factory.LazyAttribute(lambda o: o.started_at + timedelta(hours=1)),
            allowed_seconds=3600,
            points_earned=Decimal("7.50"),
            points_possible=Decimal("10.00"),
            graded_at=factory.LazyAttribute(lambda o: o.completed_at),
        )


class AllowanceFactory(DjangoModelFactory):
    class Meta:
        model = Allowance

    exam = factory.SubFactory(ExamFactory)
    course = factory.LazyAttribute(lambda o: o.exam.course)
    learner = factory.SubFactory(UserFactory)
    kind = AllowanceKind.ADDITIONAL_MINUTES
    minutes = 30


def attempts_in_bulk(exam: Exam, count: int, **fields) -> list[Attempt]:
    """`count` attempts at `exam`, each by a new learner, saved with two bulk inserts."""
    users = get_user_model().objects.bulk_create(UserFactory.build_batch(count))
    return Attempt.objects.bulk_create(
        [AttemptFactory.build(exam=exam, learner=user, **fields) for user in users]
    )
