"""Allowances through the staff API: list, grant, change, revoke, bulk and CSV upload, each with
its authorization matrix (a denied call changes nothing)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exams.allowances.csv_upload import MAX_BYTES
from exams.models import Allowance, AuditLogEntry
from tests.factories import AllowanceFactory, CourseFactory, ExamFactory

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "learner", "other_instructor", "instructor", "support"]
ALLOWED = {"instructor", "support"}
HEADER = "learner,exam,kind,value,reason,expires_at\n"


def client_for(request, api, as_user, actor):
    if actor == "anonymous":
        return api
    return as_user(request.getfixturevalue(actor))


def assert_denied(response, actor):
    if actor == "anonymous":
        assert (response.status_code, response.json()["code"]) == (403, "not_authenticated")
    else:
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


def allowances_url(course, suffix=""):
    return f"/api/v1/courses/{course.course_id}/allowances/{suffix}"


def snapshot():
    """Every allowance and audit entry, for 'nothing changed' assertions."""
    return (
        list(Allowance.objects.order_by("id").values()),
        AuditLogEntry.objects.count(),
    )


@pytest.fixture
def final(course):
    return ExamFactory(course=course, name="Final", proctored=True)


@pytest.fixture
def granted(course, learner, instructor, final):
    return AllowanceFactory(
        exam=final,
        learner=learner,
        minutes=30,
        reason="Disability services",
        granted_by=instructor,
    )


# List and grant


@pytest.mark.parametrize("actor", ACTORS)
def test_allowance_list_is_for_course_staff_and_support(
    request, api, as_user, course, granted, actor
):
    response = client_for(request, api, as_user, actor).get(allowances_url(course))

    if actor in ALLOWED:
        assert response.status_code == 200
        assert [row["id"] for row in response.json()] == [granted.pk]
    else:
        assert_denied(response, actor)


def test_allowance_list_shows_every_field(as_user, course, instructor, granted, final):
    course_wide = AllowanceFactory(
        exam=None,
        course=course,
        learner=granted.learner,
        kind="review_exception",
        minutes=None,
        text="Needs a scribe.",
        expires_at=datetime(2027, 1, 1, tzinfo=UTC),
    )

    body = as_user(instructor).get(allowances_url(course)).json()

    assert body == [
        {
            "id": course_wide.pk,
            "learner_id": granted.learner_id,
            "learner_username": "learner",
            "learner_email": "learner@example.com",
            "exam_id": None,
            "exam_name": None,
            "kind": "review_exception",
            "value": "Needs a scribe.",
            "value_display": "Needs a scribe.",
            "reason": "",
            "granted_by": None,
            "created": course_wide.created.isoformat().replace("+00:00", "Z"),
            "expires_at": "2027-01-01T00:00:00Z",
        },
        {
            "id": granted.pk,
            "learner_id": granted.learner_id,
            "learner_username": "learner",
            "learner_email": "learner@example.com",
            "exam_id": final.pk,
            "exam_name": "Final",
            "kind": "additional_minutes",
            "value": "30",
            "value_display": "+30 min",
            "reason": "Disability services",
            "granted_by": "instructor",
            "created": granted.created.isoformat().replace("+00:00", "Z"),
            "expires_at": None,
        },
    ]


def test_allowance_list_costs_the_same_queries_for_3_and_30_allowances(
    as_user, course, instructor, final, django_assert_num_queries
):
    client = as_user(instructor)
    AllowanceFactory.create_batch(3, exam=final, granted_by=instructor)
    with CaptureQueriesContext(connection) as three:
        client.get(allowances_url(course))
    AllowanceFactory.create_batch(27, exam=final, granted_by=instructor)

    with django_assert_num_queries(len(three)):
        assert len(client.get(allowances_url(course)).json()) == 30


@pytest.mark.parametrize("actor", ACTORS)
def test_allowance_grant_is_for_course_staff_and_support(
    request, api, as_user, course, learner, final, actor
):
    before = snapshot()

    response = client_for(request, api, as_user, actor).post(
        allowances_url(course),
        {"learner": "learner", "exam": final.pk, "kind": "additional_minutes", "value": "30"},
        format="json",
    )

    if actor in ALLOWED:
        assert response.status_code == 201
        allowance = Allowance.objects.get()
        assert (allowance.learner, allowance.exam, allowance.minutes) == (learner, final, 30)
        assert response.json()["granted_by"] == actor
    else:
        assert_denied(response, actor)
        assert snapshot() == before


def test_grant_finds_the_learner_by_email_for_all_timed_exams(as_user, course, learner, instructor):
    expiry = timezone.now() + timedelta(days=30)

    response = as_user(instructor).post(
        allowances_url(course),
        {
            "learner": "LEARNER@example.com",
            "exam": None,
            "kind": "time_multiplier",
            "value": 1.5,
            "reason": "Accommodation",
            "expires_at": expiry.isoformat(),
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["learner_username"], body["exam_id"], body["value"], body["reason"]) == (
        "learner",
        None,
        "1.50",
        "Accommodation",
    )
    assert Allowance.objects.get().expires_at == expiry


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"learner": "nobody"}, 400, "unknown_learner"),
        ({"learner": "elsewhere"}, 409, "not_enrolled"),
        ({"value": "0"}, 400, "invalid_input"),
        ({"kind": "extra_time"}, 400, "invalid_input"),
        ({"expires_at": "2020-01-01T00:00:00Z"}, 400, "invalid_input"),
    ],
)
def test_grant_refusals_save_nothing(
    as_user, course, learner, other_instructor, instructor, body, status, code
):
    payload = {"learner": "learner", "kind": "additional_minutes", "value": "30", **body}

    response = as_user(instructor).post(allowances_url(course), payload, format="json")

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Allowance.objects.exists()


def test_grant_for_an_exam_of_another_course_is_refused(as_user, course, learner, instructor):
    elsewhere = ExamFactory(course=CourseFactory())

    response = as_user(instructor).post(
        allowances_url(course),
        {"learner": "learner", "exam": elsewhere.pk, "kind": "additional_minutes", "value": "5"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_input",
        "message": f"No special exam {elsewhere.pk} in this course.",
        "extra": {"field": "exam"},
    }
    assert not Allowance.objects.exists()


def test_second_grant_of_the_same_kind_is_a_conflict(as_user, course, instructor, granted, final):
    response = as_user(instructor).post(
        allowances_url(course),
        {"learner": "learner", "exam": final.pk, "kind": "additional_minutes", "value": "45"},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "allowance_exists")
    assert Allowance.objects.get().minutes == 30


# Change and revoke


@pytest.mark.parametrize("actor", ACTORS)
def test_allowance_change_is_for_course_staff_and_support(request, api, as_user, granted, actor):
    before = snapshot()

    response = client_for(request, api, as_user, actor).patch(
        f"/api/v1/allowances/{granted.pk}/", {"value": "45"}, format="json"
    )

    if actor in ALLOWED:
        assert response.status_code == 200
        assert response.json()["value"] == "45"
        assert Allowance.objects.get().minutes == 45
    else:
        assert_denied(response, actor)
        assert snapshot() == before


def test_change_keeps_what_it_is_not_given(as_user, instructor, granted):
    expiry = timezone.now() + timedelta(days=3)
    as_user(instructor).patch(
        f"/api/v1/allowances/{granted.pk}/", {"expires_at": expiry.isoformat()}, format="json"
    )
    response = as_user(instructor).patch(
        f"/api/v1/allowances/{granted.pk}/", {"reason": "Updated"}, format="json"
    )

    granted.refresh_from_db()
    assert response.status_code == 200
    assert (granted.minutes, granted.reason, granted.expires_at) == (30, "Updated", expiry)


def test_change_with_null_expiry_removes_it(as_user, instructor, granted):
    Allowance.objects.filter(pk=granted.pk).update(expires_at=timezone.now() + timedelta(days=1))

    as_user(instructor).patch(
        f"/api/v1/allowances/{granted.pk}/", {"expires_at": None}, format="json"
    )

    assert Allowance.objects.get().expires_at is None


def test_change_with_a_bad_value_is_refused(as_user, instructor, granted):
    response = as_user(instructor).patch(
        f"/api/v1/allowances/{granted.pk}/", {"value": "lots"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["message"] == "Additional minutes must be a whole number."
    assert Allowance.objects.get().minutes == 30


@pytest.mark.parametrize("actor", ACTORS)
def test_allowance_revoke_is_for_course_staff_and_support(request, api, as_user, granted, actor):
    before = snapshot()

    response = client_for(request, api, as_user, actor).delete(f"/api/v1/allowances/{granted.pk}/")

    if actor in ALLOWED:
        assert response.status_code == 204
        assert not Allowance.objects.exists()
        assert AuditLogEntry.objects.get().action == "allowance_revoked"
    else:
        assert_denied(response, actor)
        assert snapshot() == before


def test_second_revoke_is_not_found(as_user, instructor, granted):
    client = as_user(instructor)

    codes = [client.delete(f"/api/v1/allowances/{granted.pk}/").status_code for _ in range(2)]

    assert codes == [204, 404]


# Bulk


@pytest.fixture
def midterm(course):
    return ExamFactory(course=course, name="Midterm")


def bulk(client, course, **body):
    payload = {"kind": "additional_minutes", "value": "20", **body}
    return client.post(allowances_url(course, "bulk/"), payload, format="json")


@pytest.mark.parametrize("actor", ACTORS)
def test_bulk_is_for_course_staff_and_support(
    request, api, as_user, course, learner, other_learner, final, actor
):
    before = snapshot()

    response = bulk(
        client_for(request, api, as_user, actor),
        course,
        learners=["learner", "other"],
        exams=[final.pk],
    )

    if actor in ALLOWED:
        assert response.status_code == 200
        assert Allowance.objects.count() == 2
    else:
        assert_denied(response, actor)
        assert snapshot() == before


def test_bulk_all_granted_answers_200_with_a_result_per_pair(
    as_user, course, learner, other_learner, instructor, final, midterm
):
    response = bulk(
        as_user(instructor),
        course,
        learners=["learner", "other@example.com"],
        exams=[final.pk, midterm.pk],
    )

    assert response.status_code == 200
    body = response.json()
    ids = {(a.learner.username, a.exam_id): a.pk for a in Allowance.objects.all()}
    assert body == {
        "granted": 4,
        "failed": 0,
        "results": [
            {
                "learner": "learner",
                "exam_id": final.pk,
                "exam_name": "Final",
                "ok": True,
                "allowance_id": ids[("learner", final.pk)],
                "code": "",
                "message": "",
            },
            {
                "learner": "learner",
                "exam_id": midterm.pk,
                "exam_name": "Midterm",
                "ok": True,
                "allowance_id": ids[("learner", midterm.pk)],
                "code": "",
                "message": "",
            },
            {
                "learner": "other@example.com",
                "exam_id": final.pk,
                "exam_name": "Final",
                "ok": True,
                "allowance_id": ids[("other", final.pk)],
                "code": "",
                "message": "",
            },
            {
                "learner": "other@example.com",
                "exam_id": midterm.pk,
                "exam_name": "Midterm",
                "ok": True,
                "allowance_id": ids[("other", midterm.pk)],
                "code": "",
                "message": "",
            },
        ],
    }


def test_bulk_with_some_refused_answers_207_and_keeps_the_granted(
    as_user, course, learner, other_instructor, instructor, granted, final, midterm
):
    response = bulk(
        as_user(instructor),
        course,
        learners=["learner", "nobody", "elsewhere"],
        exams=[final.pk, midterm.pk],
    )

    assert response.status_code == 207
    body = response.json()
    assert (body["granted"], body["failed"]) == (1, 5)
    assert [(r["learner"], r["exam_id"], r["ok"], r["code"]) for r in body["results"]] == [
        ("learner", final.pk, False, "allowance_exists"),
        ("learner", midterm.pk, True, ""),
        ("nobody", final.pk, False, "unknown_learner"),
        ("nobody", midterm.pk, False, "unknown_learner"),
        ("elsewhere", final.pk, False, "not_enrolled"),
        ("elsewhere", midterm.pk, False, "not_enrolled"),
    ]
    assert Allowance.objects.count() == 2


def test_bulk_with_nothing_granted_answers_400_with_the_results(as_user, course, instructor, final):
    response = bulk(as_user(instructor), course, learners=["nobody"], exams=[final.pk])

    assert response.status_code == 400
    assert response.json() == {
        "code": "nothing_granted",
        "message": "No allowance was granted; see each result.",
        "extra": {
            "granted": 0,
            "failed": 1,
            "results": [
                {
                    "learner": "nobody",
                    "exam_id": final.pk,
                    "exam_name": "Final",
                    "ok": False,
                    "allowance_id": None,
                    "code": "unknown_learner",
                    "message": "No user with username or e-mail 'nobody'.",
                },
            ],
        },
    }


def test_bulk_without_exams_means_all_timed_exams(as_user, course, learner, instructor):
    response = bulk(as_user(instructor), course, learners=["learner"])

    assert response.status_code == 200
    assert response.json()["results"][0]["exam_id"] is None
    assert Allowance.objects.get().exam is None


def test_bulk_refuses_exams_of_another_course_before_saving_anything(
    as_user, course, learner, instructor, final
):
    elsewhere = ExamFactory(course=CourseFactory())

    response = bulk(
        as_user(instructor), course, learners=["learner"], exams=[final.pk, elsewhere.pk]
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_input",
        "message": f"Not special exams of this course: {elsewhere.pk}.",
        "extra": {"field": "exams", "exam_ids": [elsewhere.pk]},
    }
    assert not Allowance.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"learners": []}, "learners"),
        ({"learners": ["learner"], "exams": []}, "exams"),
        ({"learners": ["learner"], "value": "-3"}, "value"),
        ({"learners": ["learner"], "expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
    ],
)
def test_bulk_refuses_a_bad_shared_part_before_saving_anything(
    as_user, course, learner, instructor, body, field
):
    response = bulk(as_user(instructor), course, **body)

    assert response.status_code == 400
    assert response.json()["extra"]["field"] == field
    assert not Allowance.objects.exists()


# CSV upload


def upload(client, course, content: bytes, **fields):
    file = SimpleUploadedFile("allowances.csv", content, content_type="text/csv")
    return client.post(
        allowances_url(course, "upload/"), {"file": file, **fields}, format="multipart"
    )


GOOD = (HEADER + "learner,Final,additional_minutes,30,,\nother,,time_multiplier,1.5,,\n").encode()
BAD = (HEADER + "learner,Final,additional_minutes,30,,\nnobody,,time_multiplier,1.5,,\n").encode()


@pytest.mark.parametrize("actor", ACTORS)
def test_upload_is_for_course_staff_and_support(
    request, api, as_user, course, learner, other_learner, final, actor
):
    before = snapshot()

    response = upload(client_for(request, api, as_user, actor), course, GOOD, dry_run="false")

    if actor in ALLOWED:
        assert response.status_code == 201
        assert Allowance.objects.count() == 2
    else:
        assert_denied(response, actor)
        assert snapshot() == before


def test_dry_run_reports_every_row_and_saves_nothing(
    as_user, course, learner, other_learner, instructor, final
):
    response = upload(as_user(instructor), course, BAD, dry_run="true")

    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["ok"], body["total_rows"], body["problem_rows"]) == (
        True,
        False,
        2,
        1,
    )
    assert [(row["line"], row["ok"], row["problems"]) for row in body["rows"]] == [
        (2, True, []),
        (
            3,
            False,
            [{"code": "unknown_learner", "message": "No user with username or e-mail 'nobody'."}],
        ),
    ]
    assert not Allowance.objects.exists()


def test_upload_without_dry_run_is_a_dry_run(
    as_user, course, learner, other_learner, instructor, final
):
    response = upload(as_user(instructor), course, GOOD)

    assert (response.status_code, response.json()["dry_run"]) == (200, True)
    assert not Allowance.objects.exists()


def test_apply_of_a_good_file_saves_every_row(
    as_user, course, learner, other_learner, instructor, final
):
    response = upload(as_user(instructor), course, GOOD, dry_run="false")

    assert response.status_code == 201
    assert response.json() == {
        "dry_run": False,
        "ok": True,
        "total_rows": 2,
        "problem_rows": 0,
        "created": 2,
        "rows": [],
    }
    assert sorted(Allowance.objects.values_list("learner__username", flat=True)) == [
        "learner",
        "other",
    ]


def test_apply_of_a_file_with_a_bad_row_saves_nothing(
    as_user, course, learner, other_learner, instructor, final
):
    response = upload(as_user(instructor), course, BAD, dry_run="false")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "csv_rows_invalid"
    assert body["message"] == (
        "1 of 2 rows have problems; nothing was saved. Fix them and upload the file again."
    )
    assert [row["ok"] for row in body["extra"]["rows"]] == [True, False]
    assert not Allowance.objects.exists()
    assert not AuditLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "csv_empty"),
        (HEADER.encode() + b"x" * MAX_BYTES, "csv_too_large"),
        ((HEADER + "caf\xe9,,additional_minutes,5,,\n").encode("latin-1"), "csv_not_utf8"),
        (b"learner,Final,additional_minutes,30\n", "csv_bad_header"),
    ],
)
def test_unreadable_files_are_refused_with_their_code(
    as_user, course, learner, instructor, content, code
):
    response = upload(as_user(instructor), course, content, dry_run="false")

    assert (response.status_code, response.json()["code"]) == (400, code)
    assert not Allowance.objects.exists()


def test_upload_without_a_file_is_refused(as_user, course, instructor):
    response = as_user(instructor).post(
        allowances_url(course, "upload/"), {"dry_run": "true"}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["file"] == ["No file was submitted."]
