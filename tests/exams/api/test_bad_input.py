"""Bad input that used to answer 500 gets a clear error: a body nested thousands of levels deep
(on the API and on a signed callback), a body over the size limit under /api/ (JSON 413, not
Django's HTML 400), and a NUL byte in an allowance CSV (nothing saved)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from exams.models import Allowance
from proctoring import signing
from proctoring.models import CallbackDelivery
from tests.factories import ExamFactory

pytestmark = pytest.mark.django_db

DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a": ' * 50 + b"1" + b"}" * 50  # parses, but deeper than any body we take


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["past-the-parser", "deeper-than-32"])
def test_a_deeply_nested_api_body_is_a_400(as_user, course, learner, body):
    exam = ExamFactory(course=course)

    response = as_user(learner).post(
        f"/api/v1/exams/{exam.pk}/attempts/", data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["past-the-parser", "deeper-than-32"])
def test_a_deeply_nested_signed_callback_is_a_400(client, body):
    signed = signing.signed_headers(
        secret="simulated-provider-secret", body=body[:60_000], now=timezone.now()
    )

    response = client.post(
        "/api/v1/proctoring/simulated/callback/",
        data=body[:60_000],
        content_type="application/json",
        headers=signed,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"
    assert CallbackDelivery.objects.get().status == "rejected"


@pytest.mark.parametrize("path", ["exams/{exam}/attempts/", "proctoring/simulated/callback/"])
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_the_size_limit_is_a_json_413(as_user, course, learner, path, content_type):
    body = json.dumps({"padding": "x" * 3_000_000}).encode()
    address = "/api/v1/" + path.format(exam=ExamFactory(course=course).pk)

    response = as_user(learner).post(address, data=body, content_type=content_type)

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_a_nul_byte_in_an_allowance_csv_is_refused_and_saves_nothing(
    as_user, course, learner, instructor
):
    ExamFactory(course=course, name="Final", proctored=True)
    content = (
        b"learner,exam,kind,value,reason,expires_at\nlearner,Final,review_exception,a\x00b,,\n"
    )

    response = as_user(instructor).post(
        f"/api/v1/courses/{course.course_id}/allowances/upload/",
        {"file": SimpleUploadedFile("a.csv", content, "text/csv"), "dry_run": "false"},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "csv_malformed"
    assert not Allowance.objects.exists()
