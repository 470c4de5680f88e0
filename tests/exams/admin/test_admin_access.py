"""Who gets into the admin, what support staff may do there, and the read-only records."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from exams.models import AuditLogEntry, Exam, ExamType
from exams.support import ensure_support_group, support_permission_codenames
from tests.factories import (
    AttemptFactory,
    CourseFactory,
    CourseRoleFactory,
    EnrollmentFactory,
    ExamFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = (
    "course",
    "courserole",
    "enrollment",
    "exam",
    "question",
    "attempt",
    "attempttransition",
    "allowance",
    "auditlogentry",
)


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_a_learner_is_sent_to_the_admin_login(client, learner):
    client.force_login(learner)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, db):
    response = client.get(reverse("admin:exams_attempt_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_support_group_has_exactly_the_support_permissions(db):
    group = ensure_support_group()

    assert set(group.permissions.values_list("codename", flat=True)) == {
        "view_course",
        "view_courserole",
        "view_enrollment",
        "view_exam",
        "view_question",
        "view_choice",
        "view_answer",
        "view_attempt",
        "change_attempt",
        "view_attempttransition",
        "view_auditlogentry",
        "view_allowance",
        "add_allowance",
        "change_allowance",
        "delete_allowance",
        # Registered by the proctoring app: reading its records.
        "view_review",
        "view_callbackdelivery",
        "view_providersession",
        "view_providerexam",
    }


def test_ensure_support_group_again_removes_permissions_added_by_hand(db):
    group = ensure_support_group()
    group.permissions.add(Permission.objects.get(codename="delete_attempt"))

    again = ensure_support_group()

    assert again.pk == group.pk
    held = again.permissions.values_list("content_type__app_label", "codename")
    assert {f"{app}.{codename}" for app, codename in held} == support_permission_codenames()
    # Proctoring's records are readable too (registered by the proctoring app).
    assert "proctoring.view_review" in support_permission_codenames()
    assert "proctoring.change_review" not in support_permission_codenames()


@pytest.mark.parametrize("model", MODELS)
def test_support_can_open_every_list(support_client, course, learner, instructor, model):
    exam = ExamFactory(course=course)
    QuestionFactory(exam=exam)
    AttemptFactory(exam=exam, learner=learner)

    response = support_client.get(reverse(f"admin:exams_{model}_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "model", ("course", "courserole", "enrollment", "exam", "question", "auditlogentry")
)
def test_support_cannot_add_what_it_only_reads(support_client, model):
    response = support_client.get(reverse(f"admin:exams_{model}_add"))

    assert response.status_code == 403


def test_support_reads_an_exam_without_a_form_to_change_it(support_client, course):
    exam = ExamFactory(course=course)

    response = support_client.post(
        reverse("admin:exams_exam_change", args=[exam.pk]), {"name": "Renamed"}
    )

    assert response.status_code == 403
    exam.refresh_from_db()
    assert exam.name != "Renamed"


def test_nobody_changes_or_deletes_the_audit_log_not_even_a_superuser(superuser_client, course):
    entry = AuditLogEntry.objects.create(
        at="2026-11-02T09:00:00Z", action="attempt_cleared", target="attempt X", summary="x"
    )

    add = superuser_client.get(reverse("admin:exams_auditlogentry_add"))
    delete = superuser_client.post(
        reverse("admin:exams_auditlogentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    change = superuser_client.post(
        reverse("admin:exams_auditlogentry_change", args=[entry.pk]), {"summary": "edited"}
    )

    assert (add.status_code, delete.status_code, change.status_code) == (403, 403, 403)
    entry.refresh_from_db()
    assert entry.summary == "x"


def test_exam_form_refuses_a_proctored_exam_in_a_course_without_proctoring(superuser_client):
    course = CourseFactory(proctored_exams_enabled=False)

    response = superuser_client.post(
        reverse("admin:exams_exam_add"),
        {
            "course": course.pk,
            "name": "Final",
            "exam_type": ExamType.PROCTORED,
            "time_limit_minutes": "60",
            "passing_percent": "50",
            "position": "0",
            "is_graded": "on",
            "is_active": "on",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "exam_type": [
            "Proctored and practice exams need Enable Proctored Exams in the course settings "
            f"of {course.course_id}."
        ]
    }
    assert not Exam.objects.exists()


def test_exam_form_requires_a_time_allotted_for_a_special_exam(superuser_client, course):
    response = superuser_client.post(
        reverse("admin:exams_exam_add"),
        {
            "course": course.pk,
            "name": "Midterm",
            "exam_type": ExamType.TIMED,
            "time_limit_minutes": "",
            "passing_percent": "50",
            "position": "0",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "time_limit_minutes": ["Every special exam needs a time allotted."]
    }


def _exam_change_form(exam, **changes):
    data = {
        "course": exam.course_id,
        "name": exam.name,
        "exam_type": exam.exam_type,
        "time_limit_minutes": str(exam.time_limit_minutes),
        "passing_percent": str(exam.passing_percent),
        "position": str(exam.position),
        "is_graded": "on",
        "is_active": "on",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_an_exams_course_cannot_be_changed_once_it_exists(superuser_client, course):
    exam = ExamFactory(course=course, exam_type=ExamType.TIMED)
    attempt = AttemptFactory(exam=exam)
    other = CourseFactory()
    url = reverse("admin:exams_exam_change", args=[exam.pk])

    page = superuser_client.get(url)
    response = superuser_client.post(url, _exam_change_form(exam, course=other.pk, name="Moved"))

    assert "course" not in page.context["adminform"].form.fields
    assert response.status_code == 302
    exam.refresh_from_db()
    attempt.refresh_from_db()
    assert (exam.name, exam.course_id, attempt.course_id) == ("Moved", course.pk, course.pk)


def test_exam_change_form_checks_proctoring_against_the_exams_own_course(superuser_client):
    exam = ExamFactory(course=CourseFactory(proctored_exams_enabled=False))
    url = reverse("admin:exams_exam_change", args=[exam.pk])

    response = superuser_client.post(url, _exam_change_form(exam, exam_type=ExamType.PROCTORED))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["exam_type"]
    exam.refresh_from_db()
    assert exam.exam_type == ExamType.TIMED


@pytest.mark.parametrize("model", ("enrollment", "courserole"))
def test_enrollment_and_role_lists_search_by_email(
    support_client, course, learner, other_learner, model
):
    CourseRoleFactory(user=learner, course=course)
    CourseRoleFactory(user=other_learner, course=course)

    response = support_client.get(
        reverse(f"admin:exams_{model}_changelist"), {"q": "other@example.com"}
    )

    assert [row.user.username for row in response.context["cl"].result_list] == ["other"]


def test_enrollment_list_costs_a_bounded_number_of_queries(
    support_client, course, django_assert_max_num_queries
):
    for number in range(30):
        EnrollmentFactory(user=UserFactory(username=f"learner{number}"), course=course)

    with django_assert_max_num_queries(8):
        response = support_client.get(reverse("admin:exams_enrollment_changelist"))

    assert len(response.context["cl"].result_list) == 30
