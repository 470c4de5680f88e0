"""Redis stops while learners take exams.

Redis is two things here: the cache that sessions read through (`cached_db`), and the Celery
broker. Each test starts a Redis of its own, points this process at it, stops it in the middle,
and checks that learners go on (sessions fall back to the database, exam moves do not depend on
the broker), that a provider's callback is stored and applied later by the pending sweep, that
a review e-mail that could not be queued is sent later by its own sweep, and that a report
requested meanwhile is built once Redis is back.
"""

import csv
import json
import logging
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from exams import services
from exams.models import Answer, Attempt
from exams.statuses import AttemptStatus
from proctoring import signing
from proctoring.models import CallbackDelivery, DeliveryStatus, Review
from proctoring.tasks import callbacks_process_pending_task, review_emails_send_missing_task
from reports.models import ReportJob
from reports.services import reports_recover
from reports.state_machine import JobStatus
from tests.factories import (
    AttemptFactory,
    EnrollmentFactory,
    ExamFactory,
    QuestionFactory,
    UserFactory,
)
from tests.faults.conftest import FAULT_MARKS, test_database_url
from tests.smoke.processes import celery_worker, child_env, wait_until

SECRET = "simulated-provider-secret"
pytestmark = [*FAULT_MARKS, pytest.mark.django_db(transaction=True)]

S = AttemptStatus
# Any single request must answer well within this while Redis is down (no long retries).
PROMPT_SECONDS = 5.0


def _api(path: str) -> str:
    return f"/api/v1/{path}"


def _timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < PROMPT_SECONDS, f"{args[0]} took {elapsed:.1f} s"
    return response


def _log_in(username: str) -> Client:
    """Sign in through the login form, as a browser does: a new session is written."""
    client = Client()
    response = _timed(client.post, "/accounts/login/", {"username": username, "password": "pw"})
    assert response.status_code == 302, response.content[:500]
    assert "sessionid" in client.cookies
    return client


def _take_exam(client: Client, attempt_id: int, questions: list[int]) -> dict:
    """Start, answer every question with 42, poll, submit; every call must succeed."""
    started = _timed(client.post, _api(f"attempts/{attempt_id}/start/"))
    assert started.status_code == 200, started.content[:500]
    assert started.json()["status"] == S.STARTED
    for question_id in questions:
        saved = _timed(
            client.put,
            _api(f"attempts/{attempt_id}/answers/{question_id}/"),
            {"response": "42"},
            content_type="application/json",
        )
        assert saved.status_code == 200, saved.content[:500]
    polled = _timed(client.get, _api(f"attempts/{attempt_id}/"))
    assert polled.status_code == 200, polled.content[:500]
    assert polled.json()["status"] == S.STARTED
    submitted = _timed(client.post, _api(f"attempts/{attempt_id}/submit/"))
    assert submitted.status_code == 200, submitted.content[:500]
    return submitted.json()


def test_learners_take_exams_while_redis_is_down(own_redis, app_on_redis, course):
    # given a proctored exam and a timed exam, each with two questions worth 2 points
    course.proctoring_provider = "simulated"
    course.save()
    proctored = ExamFactory(course=course, proctored=True, time_limit_minutes=60)
    timed = ExamFactory(course=course, time_limit_minutes=30)
    questions = {
        exam.pk: [QuestionFactory(exam=exam, points=Decimal(2)).pk for _ in range(2)]
        for exam in (proctored, timed)
    }
    first, second = UserFactory(username="first"), UserFactory(username="second")
    for user in (first, second):
        EnrollmentFactory(user=user, course=course)

    with app_on_redis(own_redis.url, eager=False):
        # and the first learner signed in and set up proctoring while Redis was up
        client = _log_in("first")
        session_key = client.cookies["sessionid"].value
        assert cache.get(KEY_PREFIX + session_key) is not None, "the session is not cached"
        created = client.post(
            _api(f"exams/{proctored.pk}/attempts/"),
            {"proctored": True},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content[:500]
        attempt_id = created.json()["id"]
        assert client.post(_api(f"attempts/{attempt_id}/setup/")).status_code == 200
        services.attempt_mark_ready(attempt_id=attempt_id)  # the provider's checks passed

        # when Redis stops
        own_redis.stop()

        # then the first learner takes the proctored exam (their session is read from the
        # database now) and the second signs in and takes the timed exam
        first_result = _take_exam(client, attempt_id, questions[proctored.pk])
        other = _log_in("second")
        created = _timed(
            other.post, _api(f"exams/{timed.pk}/attempts/"), {}, content_type="application/json"
        )
        assert created.status_code == 201, created.content[:500]
        second_id = created.json()["id"]
        second_result = _take_exam(other, second_id, questions[timed.pk])
        # and the provider's "session uploaded" callback is stored, to be processed later
        code = Attempt.objects.get(pk=attempt_id).attempt_code
        body = json.dumps(
            {
                "delivery_id": "upload-1",
                "event": "session_submitted",
                "attempt_code": code,
                "occurred_at": timezone.now().isoformat(),
            }
        ).encode()
        signed = signing.signed_headers(secret=SECRET, body=body, now=timezone.now())
        callback = _timed(
            Client().post,
            _api("proctoring/simulated/callback/"),
            body,
            content_type="application/json",
            headers=signed,
        )
        assert callback.status_code == 202, callback.content[:500]
        delivery = CallbackDelivery.objects.get(delivery_id="upload-1")
        assert delivery.status == DeliveryStatus.RECEIVED

        # and once Redis is back the sessions are cached again, and the pending sweep applies
        # the stored callback (a minute later)
        own_redis.start()
        polled = _timed(client.get, _api(f"attempts/{attempt_id}/"))
        assert polled.status_code == 200
        assert cache.get(KEY_PREFIX + session_key) is not None
        CallbackDelivery.objects.filter(pk=delivery.pk).update(
            received_at=timezone.now() - timedelta(minutes=2)
        )
        assert callbacks_process_pending_task() == 1

    assert (first_result["status"], second_result["status"]) == (S.COMPLETED, S.COMPLETED)
    assert Attempt.objects.get(pk=attempt_id).status == S.SUBMITTED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.outcome) == (DeliveryStatus.APPLIED, "applied")
    for pk in (attempt_id, second_id):
        attempt = Attempt.objects.get(pk=pk)
        assert (attempt.points_earned, attempt.points_possible) == (Decimal(4), Decimal(4))
        assert Answer.objects.filter(attempt=attempt, points_awarded=Decimal(2)).count() == 2


def test_report_requested_while_the_broker_is_down_is_built_once_it_is_back(
    own_redis, app_on_redis, course, instructor, tmp_path: Path, caplog
):
    # given a course with 30 attempts and its instructor signed in
    exam = ExamFactory(course=course, proctored=True, name="Final")
    attempts = [AttemptFactory(exam=exam, status=S.VERIFIED) for _ in range(30)]
    media = tmp_path / "media"

    with app_on_redis(own_redis.url, eager=False):
        client = _log_in("instructor")

        # when Redis stops and the instructor asks for the report
        own_redis.stop()
        with caplog.at_level(logging.WARNING, logger="reports.services"):
            response = _timed(
                client.post, _api(f"courses/{course.course_id}/reports/proctored-results/")
            )

        # then the request is accepted, and the job waits, queued, for the recovery sweep
        assert response.status_code == 202, response.content[:500]
        body = response.json()
        job = ReportJob.objects.get(pk=body["id"])
        assert (body["status"], job.status, job.tries) == (JobStatus.QUEUED, JobStatus.QUEUED, 0)
        assert body["download_url"] is None
        assert f"report job {job.pk} not queued: the broker cannot be reached" in caplog.text

        # when Redis is back and the sweep runs past the stale limit
        own_redis.start()
        later = timezone.now() + timedelta(seconds=settings.REPORTS_STALE_SECONDS + 1)
        assert reports_recover(now=later) == 1

        # then a worker on that Redis builds it
        env = child_env(
            DATABASE_URL=test_database_url(),
            REDIS_URL=own_redis.url,
            CELERY_BROKER_URL=own_redis.url,
            VAR_DIR=str(tmp_path / "var"),
            MEDIA_ROOT=str(media),
        )
        log = tmp_path / "worker.log"
        with celery_worker(env=env, log=log) as worker:

            def finished() -> bool:
                job.refresh_from_db()
                return job.status in (JobStatus.DONE, JobStatus.FAILED)

            wait_until(finished, timeout=45, process=worker, log=log)

    assert job.status == JobStatus.DONE, job.error
    assert (job.tries, job.rows_done, job.rows_total) == (1, 30, 30)
    with (media / job.storage_name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert sorted(row[2] for row in rows[1:]) == sorted(a.attempt_code for a in attempts)


def test_review_email_lost_while_the_broker_is_down_is_sent_once_it_is_back(
    own_redis, app_on_redis, course, learner, tmp_path: Path, caplog
):
    # given a proctored attempt that ended
    course.proctoring_provider = "simulated"
    course.save()
    attempt = AttemptFactory(
        exam=ExamFactory(course=course, proctored=True),
        learner=learner,
        status=S.COMPLETED,
        completed_at=timezone.now(),
    )

    with app_on_redis(own_redis.url, eager=False):
        # when Redis stops and the provider's review arrives, and the pending sweep applies it
        own_redis.stop()
        body = json.dumps(
            {
                "delivery_id": "review-1",
                "event": "review",
                "attempt_code": attempt.attempt_code,
                "occurred_at": timezone.now().isoformat(),
                "review": {"verdict": "passed", "flags": [], "comments": "ok"},
            }
        ).encode()
        signed = signing.signed_headers(secret=SECRET, body=body, now=timezone.now())
        callback = _timed(
            Client().post,
            _api("proctoring/simulated/callback/"),
            body,
            content_type="application/json",
            headers=signed,
        )
        assert callback.status_code == 202, callback.content[:500]
        CallbackDelivery.objects.update(received_at=timezone.now() - timedelta(minutes=2))
        with caplog.at_level(logging.WARNING, logger="exams.broker"):
            assert callbacks_process_pending_task() == 1

        # then the review is applied, but its e-mail could not be queued
        review = Review.objects.get()
        assert (review.is_applied, review.email_due, review.emailed_at) == (True, True, None)
        assert f"e-mail of review {review.pk} not queued" in caplog.text

        # when Redis is back and the missing-e-mails sweep runs five minutes on
        own_redis.start()
        Review.objects.filter(pk=review.pk).update(
            received_at=timezone.now() - timedelta(minutes=10)
        )
        assert review_emails_send_missing_task() == 1

        # then a worker on that Redis sends it
        env = child_env(
            DATABASE_URL=test_database_url(),
            REDIS_URL=own_redis.url,
            CELERY_BROKER_URL=own_redis.url,
            VAR_DIR=str(tmp_path / "var"),
        )
        log = tmp_path / "worker.log"
        with celery_worker(env=env, log=log) as worker:
            wait_until(
                lambda: Review.objects.filter(pk=review.pk, emailed_at__isnull=False).exists(),
                timeout=45,
                process=worker,
                log=log,
            )

    assert Attempt.objects.get(pk=attempt.pk).status == S.VERIFIED
    assert review_emails_send_missing_task() == 0
