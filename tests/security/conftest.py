"""Fixtures for the security tests: the superuser actor, report files in a temporary folder,
and `World`, a course with every object a URL of the app can point at."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from exams.lifecycle.history import record_created
from exams.models import Allowance, Attempt, Course, Exam, Question, QuestionKind
from exams.statuses import FINISHED, AttemptStatus
from reports import services as report_services
from reports.links import make_token
from reports.models import ReportJob
from reports.state_machine import JobStatus
from tests.factories import (
    AllowanceFactory,
    AttemptFactory,
    ChoiceFactory,
    ExamFactory,
    QuestionFactory,
)

S = AttemptStatus
TIME_LIMIT_MINUTES = 60


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    """Report files go to a temporary media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def superuser(db) -> User:
    """A Django superuser: staff, every permission, no course role, not enrolled anywhere."""
    return User.objects.create_superuser("root", "root@example.com", "pw")


@dataclass
class World:
    """The course of the `learner` fixture (the owner) with two proctored exams (the first with
    a numeric question and one of every other kind), a timed exam nobody has attempted, a
    practice exam, an allowance of the owner, a finished report with a download link of the
    instructor's, and a failed report."""

    course: Course
    owner: User
    instructor: User
    proctored: Exam
    question: Question
    questions: list[Question]
    final: Exam
    timed: Exam
    practice: Exam
    allowance: Allowance
    done_job: ReportJob
    failed_job: ReportJob
    attempts: dict[str, Attempt] = field(default_factory=dict)

    def attempt(self, status: str = S.STARTED) -> Attempt:
        """The owner's attempt in `status`: at the first proctored exam; `error` at the second,
        `completed` at the practice exam."""
        if status in self.attempts:
            return self.attempts[status]
        now = timezone.now()
        exam = {S.COMPLETED: self.practice, S.ERROR: self.final}.get(status, self.proctored)
        fields: dict[str, Any] = {"status": status, "taking_as_proctored": True}
        if status not in (S.CREATED, S.DOWNLOAD_SOFTWARE_CLICKED, S.READY_TO_START):
            started = now - timedelta(minutes=10)
            fields.update(
                started_at=started,
                allowed_seconds=exam.time_limit_minutes * 60,
                deadline_at=started + timedelta(minutes=exam.time_limit_minutes),
            )
        if status in FINISHED:
            fields["completed_at"] = now - timedelta(minutes=1)
        if status == S.ERROR:
            fields.update(deadline_at=None, paused_remaining_seconds=3000)
        attempt = AttemptFactory(exam=exam, learner=self.owner, **fields)
        record_created(attempt, actor=self.owner, at=now - timedelta(minutes=11))
        self.attempts[status] = attempt
        return attempt

    def download_token(self) -> str:
        return make_token(job_id=self.done_job.pk, user_id=self.instructor.pk, now=timezone.now())


def questions_of_every_kind(exam: Exam) -> list[Question]:
    single = QuestionFactory(exam=exam, kind=QuestionKind.SINGLE_CHOICE)
    multiple = QuestionFactory(exam=exam, kind=QuestionKind.MULTIPLE_CHOICE)
    for question in (single, multiple):
        ChoiceFactory(question=question, is_correct=True)
        ChoiceFactory(question=question)
    text = QuestionFactory(exam=exam, kind=QuestionKind.TEXT, text_answers="Lovelace")
    return [single, multiple, text]


def world_of(course: Course, owner: User, instructor: User) -> World:
    course.proctoring_provider = "simulated"
    course.save(update_fields=["proctoring_provider"])
    proctored = ExamFactory(
        course=course, name="Midterm", proctored=True, time_limit_minutes=TIME_LIMIT_MINUTES
    )
    requested = report_services.report_request(course=course, user=instructor)
    report_services.report_build(job_id=requested.pk)  # no-op if built on commit already
    done = ReportJob.objects.get(pk=requested.pk, status=JobStatus.DONE)
    failed = ReportJob.objects.create(
        course=course,
        requested_by=instructor,
        status=JobStatus.FAILED,
        created_at=timezone.now(),
        finished_at=timezone.now(),
        error="The worker stopped.",
    )
    return World(
        course=course,
        owner=owner,
        instructor=instructor,
        proctored=proctored,
        question=QuestionFactory(exam=proctored),
        questions=questions_of_every_kind(proctored),
        final=ExamFactory(course=course, name="Final", proctored=True),
        timed=ExamFactory(course=course, name="Quiz", time_limit_minutes=30),
        practice=ExamFactory(course=course, name="Practice", practice=True),
        allowance=AllowanceFactory(exam=proctored, learner=owner, reason="Broken arm."),
        done_job=done,
        failed_job=failed,
    )


@pytest.fixture
def world(course, learner, instructor) -> World:
    return world_of(course, learner, instructor)
