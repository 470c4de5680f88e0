"""Every datetime the app accepts is range-checked after conversion to UTC, on every door: a
moment outside the years 2000-2999 (9999-12-31T23:59:59-05:00 is year 10000 in UTC) is refused
with a clear error and saves nothing, and the lists that would show it keep working."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exams.models import Allowance, Exam
from tests.factories import ExamFactory

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["9999-12-31T23:59:59-05:00", "9999-12-31T23:00:00Z", "1999-12-31T23:59:59Z"]


def allowances_url(course, suffix=""):
    return f"/api/v1/courses/{course.course_id}/allowances/{suffix}"


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_an_allowance_expiry_out_of_range_is_refused(as_user, course, learner, instructor, moment):
    client = as_user(instructor)
    payload = {"learner": "learner", "kind": "additional_minutes", "value": "30"}

    granted = client.post(allowances_url(course), {**payload, "expires_at": moment}, format="json")

    assert granted.status_code == 400, granted.content
    assert granted.json()["code"] == "invalid_input"
    assert not Allowance.objects.exists()
    assert client.get(allowances_url(course)).status_code == 200


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_an_allowance_csv_expiry_out_of_range_is_a_row_problem(
    as_user, course, learner, instructor, moment
):
    ExamFactory(course=course, name="Final", proctored=True)
    content = (
        "learner,exam,kind,value,reason,expires_at\n"
        f"learner,Final,additional_minutes,30,,{moment}\n"
    )
    client = as_user(instructor)

    checked = client.post(
        allowances_url(course, "upload/"),
        {"file": SimpleUploadedFile("a.csv", content.encode(), "text/csv"), "dry_run": "true"},
        format="multipart",
    )
    applied = client.post(
        allowances_url(course, "upload/"),
        {"file": SimpleUploadedFile("a.csv", content.encode(), "text/csv"), "dry_run": "false"},
        format="multipart",
    )

    assert checked.status_code == 200, checked.content
    assert checked.json()["ok"] is False
    (row,) = checked.json()["rows"]
    assert [p["code"] for p in row["problems"]] == ["invalid_date"]
    assert applied.status_code in (400, 409, 200)
    assert not Allowance.objects.exists()


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_a_due_date_out_of_range_is_refused(as_user, course, instructor, moment):
    exam = ExamFactory(course=course, name="Midterm", time_limit_minutes=60)

    changed = as_user(instructor).patch(
        f"/api/v1/exams/{exam.pk}/settings/", {"due_at": moment}, format="json"
    )

    assert changed.status_code == 400, changed.content
    assert changed.json()["code"] == "invalid_input"
    assert Exam.objects.get(pk=exam.pk).due_at is None
