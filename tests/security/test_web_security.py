"""Web security: deploy checks, headers, CSRF, login lockout, callback limits, logs."""

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from exams.models import AttemptTransition
from exams.statuses import AttemptStatus as S
from tests.factories import AttemptFactory, ExamFactory

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process: not production's.
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path),
        # Production shares its cache (sessions, LTI launches) in Redis; the check connects
        # to nothing.
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_pages_send_a_content_security_policy(client, learner, course):
    client.force_login(learner)

    response = client.get(f"/courses/{course.course_id}/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_api_action_without_csrf_token_is_refused_and_changes_nothing(course, learner):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(learner)

    response = api.post(f"/api/v1/attempts/{attempt.pk}/submit/")

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert "CSRF" in response.json()["message"]
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED
    assert not AttemptTransition.objects.filter(attempt=attempt).exists()


def test_page_form_without_csrf_token_is_refused(course, instructor, learner):
    from django.test import Client

    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)

    response = client.post(f"/courses/{course.course_id}/instructor/attempts/{attempt.pk}/clear/")

    assert response.status_code == 403
    assert AttemptTransition.objects.filter(attempt=attempt).count() == 0
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_login_is_locked_after_repeated_failures(client, learner):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "learner", "password": "wrong"})

    locked = client.post("/accounts/login/", {"username": "learner", "password": "pw"})

    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_successful_login_below_the_limit_works(client, learner):
    client.post("/accounts/login/", {"username": "learner", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "learner", "password": "pw"})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


@override_settings(PROCTORING_CALLBACK_RATE_PER_MINUTE=3)
def test_callback_endpoint_is_rate_limited(client):
    from django.core.cache import cache

    cache.clear()
    answers = [
        client.post(
            "/api/v1/proctoring/simulated/callback/", data=b"{}", content_type="application/json"
        ).status_code
        for _ in range(5)
    ]

    assert answers == [401, 401, 401, 429, 429]


def test_no_email_address_reaches_the_logs(client, course, learner, other_learner, caplog):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    client.force_login(other_learner)
    with caplog.at_level(logging.DEBUG):
        client.get(f"/api/v1/attempts/{attempt.pk}/")
        client.get("/no/such/page/")
        client.post(
            "/api/v1/proctoring/simulated/callback/",
            data=b"not json",
            content_type="application/json",
        )

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "@example.com" not in logged
