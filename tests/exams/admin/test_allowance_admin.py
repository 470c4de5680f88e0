"""Support staff grant, change and revoke allowances in the admin, through the services."""

from decimal import Decimal

import pytest
from django.urls import reverse

from exams.allowances.inputs import AllowanceValue
from exams.allowances.services import allowance_grant
from exams.models import Allowance, AllowanceKind, AuditAction, AuditLogEntry
from tests.factories import CourseFactory, EnrollmentFactory, ExamFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "admin:exams_allowance_add"


def _add_data(course, exam=None, **overrides):
    data = {
        "learner_identifier": "learner@example.com",
        "course": course.pk,
        "exam": exam.pk if exam else "",
        "kind": AllowanceKind.ADDITIONAL_MINUTES,
        "value": "30",
        "reason": "Documented accommodation",
        "expires_at_0": "",
        "expires_at_1": "",
    }
    data.update(overrides)
    return data


def _form_errors(response):
    return response.context["adminform"].form.errors


def test_support_adds_extra_minutes_for_a_learner_found_by_email(
    support_client, support, course, learner
):
    exam = ExamFactory(course=course, time_limit_minutes=60)

    response = support_client.post(reverse(ADD_URL), _add_data(course, exam))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exams_allowance_changelist")
    allowance = Allowance.objects.get()
    assert (allowance.learner, allowance.course, allowance.exam) == (learner, course, exam)
    assert allowance.kind == AllowanceKind.ADDITIONAL_MINUTES
    assert allowance.minutes == 30
    assert allowance.reason == "Documented accommodation"
    assert allowance.granted_by == support
    entry = AuditLogEntry.objects.get()
    assert entry.action == AuditAction.ALLOWANCE_GRANTED
    assert (entry.actor, entry.learner, entry.course) == (support, learner, course)
    assert entry.target == f"allowance {allowance.pk}"


def test_allowance_without_exam_applies_to_all_timed_exams_of_the_course(
    support_client, course, learner
):
    response = support_client.post(
        reverse(ADD_URL),
        _add_data(
            course, learner_identifier="learner", kind=AllowanceKind.TIME_MULTIPLIER, value="1.5"
        ),
    )

    assert response.status_code == 302
    allowance = Allowance.objects.get()
    assert allowance.exam is None
    assert allowance.multiplier == Decimal("1.50")
    assert allowance.minutes is None


def test_review_exception_keeps_its_text(support_client, course, learner):
    exam = ExamFactory(course=course, proctored=True)
    text = "Learner cannot see. Allow an additional person in the room to act as a scribe."

    response = support_client.post(
        reverse(ADD_URL),
        _add_data(course, exam, kind=AllowanceKind.REVIEW_EXCEPTION, value=text),
    )

    assert response.status_code == 302
    assert Allowance.objects.get().text == text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"learner_identifier": "nobody@example.com"},
            "learner_identifier",
            "No user with username or e-mail 'nobody@example.com'.",
        ),
        (
            {"learner_identifier": "stranger@example.com"},
            "learner_identifier",
            "The learner is not enrolled in this course.",
        ),
        ({"value": "abc"}, "value", "Additional minutes must be a whole number."),
        ({"value": "0"}, "value", "Additional minutes must be between 1 and 1440."),
        (
            {"kind": AllowanceKind.TIME_MULTIPLIER, "value": "1"},
            "value",
            "The time multiplier must be above 1 and at most 10.00.",
        ),
        (
            {"expires_at_0": "2020-01-01", "expires_at_1": "10:00:00"},
            "expires_at",
            "The expiry must be in the future.",
        ),
    ],
)
def test_bad_input_rerenders_the_form_with_the_error_and_saves_nothing(
    support_client, course, learner, overrides, field, message
):
    UserFactory(username="stranger", email="stranger@example.com")
    exam = ExamFactory(course=course)

    response = support_client.post(reverse(ADD_URL), _add_data(course, exam, **overrides))

    assert response.status_code == 200
    assert _form_errors(response) == {field: [message]}
    assert Allowance.objects.count() == 0
    assert AuditLogEntry.objects.count() == 0


def test_a_second_allowance_of_the_same_kind_is_refused_on_the_form(
    support_client, support, course, learner
):
    exam = ExamFactory(course=course)
    allowance_grant(
        course=course,
        learner=learner,
        exam=exam,
        value=AllowanceValue.parse("additional_minutes", 10),
        granted_by=support,
    )

    response = support_client.post(reverse(ADD_URL), _add_data(course, exam))

    assert response.status_code == 200
    assert _form_errors(response) == {
        "__all__": ["This learner already has an allowance of this kind for this exam."]
    }
    assert list(Allowance.objects.values_list("minutes", flat=True)) == [10]
    assert AuditLogEntry.objects.count() == 1


def test_an_exam_of_another_course_is_refused_on_the_exam_field(support_client, course, learner):
    elsewhere = ExamFactory(course=CourseFactory())

    response = support_client.post(reverse(ADD_URL), _add_data(course, elsewhere))

    assert response.status_code == 200
    assert _form_errors(response) == {"exam": ["The exam must be a special exam of this course."]}
    assert Allowance.objects.count() == 0


def test_change_form_updates_the_value_through_the_service(
    support_client, support, course, learner
):
    exam = ExamFactory(course=course)
    allowance = allowance_grant(
        course=course,
        learner=learner,
        exam=exam,
        value=AllowanceValue.parse("additional_minutes", 10),
        granted_by=support,
    )
    url = reverse("admin:exams_allowance_change", args=[allowance.pk])

    page = support_client.get(url)
    response = support_client.post(
        url, {"value": "45", "reason": "More time", "expires_at_0": "", "expires_at_1": ""}
    )

    assert page.status_code == 200
    assert page.context["adminform"].form.fields["value"].initial == "10"
    assert response.status_code == 302
    allowance.refresh_from_db()
    assert (allowance.minutes, allowance.reason) == (45, "More time")
    changed = AuditLogEntry.objects.get(action=AuditAction.ALLOWANCE_CHANGED)
    assert changed.actor == support
    assert changed.details["before"]["minutes"] == 10
    assert changed.details["after"]["minutes"] == 45


def test_change_form_with_a_bad_value_shows_the_error_and_keeps_the_allowance(
    support_client, support, course, learner
):
    allowance = allowance_grant(
        course=course,
        learner=learner,
        exam=None,
        value=AllowanceValue.parse("time_multiplier", "1.5"),
        granted_by=support,
    )
    url = reverse("admin:exams_allowance_change", args=[allowance.pk])

    response = support_client.post(
        url, {"value": "twice", "reason": "", "expires_at_0": "", "expires_at_1": ""}
    )

    assert response.status_code == 200
    assert _form_errors(response) == {
        "value": ["The time multiplier must be a number such as 1.5."]
    }
    allowance.refresh_from_db()
    assert allowance.multiplier == Decimal("1.50")
    assert not AuditLogEntry.objects.filter(action=AuditAction.ALLOWANCE_CHANGED).exists()


def test_saving_an_unchanged_allowance_writes_no_audit_entry(
    support_client, support, course, learner
):
    allowance = allowance_grant(
        course=course,
        learner=learner,
        exam=None,
        value=AllowanceValue.parse("additional_minutes", 20),
        reason="Because",
        granted_by=support,
    )
    url = reverse("admin:exams_allowance_change", args=[allowance.pk])

    response = support_client.post(
        url, {"value": "20", "reason": "Because", "expires_at_0": "", "expires_at_1": ""}
    )

    assert response.status_code == 302
    assert list(AuditLogEntry.objects.values_list("action", flat=True)) == [
        AuditAction.ALLOWANCE_GRANTED
    ]


def test_deleting_an_allowance_revokes_it_with_an_audit_entry(
    support_client, support, course, learner
):
    allowance = allowance_grant(
        course=course,
        learner=learner,
        exam=None,
        value=AllowanceValue.parse("additional_minutes", 20),
        granted_by=support,
    )

    response = support_client.post(
        reverse("admin:exams_allowance_delete", args=[allowance.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert Allowance.objects.count() == 0
    revoked = AuditLogEntry.objects.get(action=AuditAction.ALLOWANCE_REVOKED)
    assert (revoked.actor, revoked.learner) == (support, learner)


def test_delete_selected_revokes_each_allowance_with_an_audit_entry(
    support_client, support, course, learner, other_learner
):
    for user in (learner, other_learner):
        allowance_grant(
            course=course,
            learner=user,
            exam=None,
            value=AllowanceValue.parse("additional_minutes", 20),
            granted_by=support,
        )

    response = support_client.post(
        reverse("admin:exams_allowance_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(Allowance.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert Allowance.objects.count() == 0
    assert sorted(
        AuditLogEntry.objects.filter(action=AuditAction.ALLOWANCE_REVOKED).values_list(
            "learner__username", flat=True
        )
    ) == ["learner", "other"]


def test_allowance_list_shows_learner_scope_and_value_in_bounded_queries(
    support_client, support, course, django_assert_max_num_queries
):
    exam = ExamFactory(course=course, name="Midterm")
    for number in range(20):
        user = UserFactory(username=f"learner{number}")
        EnrollmentFactory(user=user, course=course)
        allowance_grant(
            course=course,
            learner=user,
            exam=exam if number % 2 else None,
            value=AllowanceValue.parse("additional_minutes", number + 1),
            granted_by=support,
        )

    with django_assert_max_num_queries(8):
        response = support_client.get(reverse("admin:exams_allowance_changelist"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "learner7@example.com" in content
    assert "All timed exams" in content
    assert "+8 min" in content


def test_allowance_list_searches_by_email(support_client, support, course, learner, other_learner):
    for user in (learner, other_learner):
        allowance_grant(
            course=course,
            learner=user,
            exam=None,
            value=AllowanceValue.parse("additional_minutes", 5),
            granted_by=support,
        )

    response = support_client.get(
        reverse("admin:exams_allowance_changelist"), {"q": "other@example.com"}
    )

    assert [a.learner.username for a in response.context["cl"].result_list] == ["other"]
