"""Support staff read attempts in the admin and act on them only through the service actions."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from exams import services
from exams.models import Answer, Attempt, AttemptTransition, AuditAction, AuditLogEntry
from exams.statuses import AttemptStatus as S
from tests.factories import (
    AttemptFactory,
    EnrollmentFactory,
    ExamFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:exams_attempt_changelist"


def _act(client, action, attempts, **extra):
    data = {"action": action, "_selected_action": [a.pk for a in attempts], **extra}
    return client.post(reverse(CHANGELIST), data)


def _messages(response):
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def _answered_attempt(course, learner):
    """A timed attempt started and answered through the services."""
    exam = ExamFactory(course=course, name="Midterm")
    questions = [QuestionFactory(exam=exam) for _ in range(2)]
    attempt = services.attempt_create(exam=exam, learner=learner, proctored=False)
    services.attempt_start(attempt_id=attempt.pk, actor=learner)
    for question in questions:
        services.answer_save(attempt_id=attempt.pk, question_id=question.pk, response="42")
    return attempt


def _errored_attempt(course, learner):
    """A proctored attempt stopped by a proctoring error with ten minutes left."""
    exam = ExamFactory(course=course, proctored=True)
    started = timezone.now() - timedelta(minutes=50)
    return AttemptFactory(
        exam=exam,
        learner=learner,
        status=S.ERROR,
        started_at=started,
        allowed_seconds=3600,
        paused_remaining_seconds=600,
    )


def test_clear_asks_for_confirmation_first_and_changes_nothing(support_client, course, learner):
    attempt = _answered_attempt(course, learner)

    response = _act(support_client, "clear_attempts", [attempt])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/exams/attempt/clear_confirmation.html"
    assert "cannot be undone" in response.content.decode()
    assert Attempt.objects.filter(pk=attempt.pk).exists()
    assert Answer.objects.filter(attempt_id=attempt.pk).count() == 2
    assert AuditLogEntry.objects.count() == 0


def test_confirmed_clear_removes_the_attempt_and_its_answers_and_audits_it(
    support_client, support, course, learner
):
    attempt = _answered_attempt(course, learner)

    response = _act(support_client, "clear_attempts", [attempt], post="yes")

    assert response.status_code == 302
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert Answer.objects.filter(attempt_id=attempt.pk).count() == 0
    entry = AuditLogEntry.objects.get()
    assert entry.action == AuditAction.ATTEMPT_CLEARED
    assert (entry.actor, entry.learner, entry.course) == (support, learner, course)
    assert entry.target == f"attempt {attempt.attempt_code}"
    assert AttemptTransition.objects.filter(attempt_code=attempt.attempt_code).count() == 2
    assert _messages(response) == [
        (
            "success",
            "Cleared 1 attempt(s); the learners can start again from the beginning.",
        )
    ]


def test_resume_lets_an_errored_learner_go_on_with_the_time_that_remained(
    support_client, support, course, learner
):
    attempt = _errored_attempt(course, learner)

    response = _act(support_client, "resume_attempts", [attempt])

    attempt.refresh_from_db()
    assert attempt.status == S.READY_TO_START
    assert attempt.paused_remaining_seconds == 600
    move = AttemptTransition.objects.get(attempt=attempt)
    assert (move.from_status, move.to_status, move.actor) == (S.ERROR, S.READY_TO_START, support)
    assert _messages(response) == [
        (
            "success",
            f"Attempt {attempt.attempt_code} of learner: the learner can go on "
            "(status now: Ready to start).",
        )
    ]


def test_resume_warns_about_an_attempt_that_did_not_error_and_leaves_it(
    support_client, course, learner
):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)

    response = _act(support_client, "resume_attempts", [attempt])

    attempt.refresh_from_db()
    assert attempt.status == S.STARTED
    assert _messages(response) == [
        (
            "warning",
            f"Attempt {attempt.attempt_code} of learner: Only an attempt that stopped with an "
            "error before it ended can be resumed.",
        )
    ]


def test_resume_reports_each_attempt_on_its_own(support_client, course, learner, other_learner):
    errored = _errored_attempt(course, learner)
    created = AttemptFactory(exam=ExamFactory(course=course, proctored=True), learner=other_learner)

    response = _act(support_client, "resume_attempts", [errored, created])

    errored.refresh_from_db()
    created.refresh_from_db()
    assert (errored.status, created.status) == (S.READY_TO_START, S.CREATED)
    assert sorted(level for level, _ in _messages(response)) == ["success", "warning"]


@pytest.mark.parametrize(
    ("action", "result"),
    [("review_satisfactory", S.VERIFIED), ("review_unsatisfactory", S.REJECTED)],
)
def test_second_review_is_settled_by_hand(support_client, support, course, learner, action, result):
    attempt = AttemptFactory(
        exam=ExamFactory(course=course, proctored=True),
        learner=learner,
        status=S.SECOND_REVIEW_REQUIRED,
    )

    response = _act(support_client, action, [attempt])

    attempt.refresh_from_db()
    assert attempt.status == result
    move = AttemptTransition.objects.get(attempt=attempt)
    assert (move.from_status, move.to_status, move.actor) == (
        S.SECOND_REVIEW_REQUIRED,
        result,
        support,
    )
    assert [level for level, _ in _messages(response)] == ["success"]


def test_hand_review_is_refused_for_an_attempt_not_waiting_for_one(support_client, course, learner):
    attempt = AttemptFactory(
        exam=ExamFactory(course=course, proctored=True), learner=learner, status=S.SUBMITTED
    )

    response = _act(support_client, "review_satisfactory", [attempt])

    attempt.refresh_from_db()
    assert attempt.status == S.SUBMITTED
    assert not AttemptTransition.objects.filter(attempt=attempt).exists()
    [(level, message)] = _messages(response)
    assert level == "warning"
    assert message.startswith(f"Attempt {attempt.attempt_code} of learner: ")
    assert message.endswith("(this one is Submitted).")


def test_attempt_page_shows_status_read_only_and_saving_changes_nothing(
    support_client, course, learner
):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner, started=True)
    url = reverse("admin:exams_attempt_change", args=[attempt.pk])

    page = support_client.get(url)
    response = support_client.post(url, {"status": S.VERIFIED, "_continue": "1"})

    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert "status" not in page.context["adminform"].form.fields
    assert 'name="_save"' not in page.content.decode()
    assert response.status_code in (200, 302)
    attempt.refresh_from_db()
    assert attempt.status == S.STARTED
    assert not AttemptTransition.objects.filter(attempt=attempt).exists()


def test_attempt_page_shows_history_and_answers(support_client, course, learner):
    attempt = _answered_attempt(course, learner)

    page = support_client.get(reverse("admin:exams_attempt_change", args=[attempt.pk]))

    formsets = {f.formset.prefix: f for f in page.context["inline_admin_formsets"]}
    assert len(formsets["transitions"].formset.queryset) == 2
    assert len(formsets["answers"].formset.queryset) == 2
    assert all(not f.has_add_permission for f in formsets.values())
    assert all(not f.has_delete_permission for f in formsets.values())


def test_attempts_cannot_be_deleted_or_added_in_the_admin(support_client, course, learner):
    attempt = AttemptFactory(exam=ExamFactory(course=course), learner=learner)

    changelist = support_client.get(reverse(CHANGELIST))
    delete = support_client.post(
        reverse("admin:exams_attempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    add = support_client.get(reverse("admin:exams_attempt_add"))

    assert (
        "delete_selected" not in changelist.context["action_form"].fields["action"].choices[1:][0]
    )
    assert [name for name, _ in changelist.context["action_form"].fields["action"].choices[1:]] == [
        "clear_attempts",
        "resume_attempts",
        "review_satisfactory",
        "review_unsatisfactory",
    ]
    assert delete.status_code == 403
    assert add.status_code == 403
    assert Attempt.objects.filter(pk=attempt.pk).exists()


def test_attempt_list_costs_a_bounded_number_of_queries(
    support_client, course, django_assert_max_num_queries
):
    exams = [ExamFactory(course=course), ExamFactory(course=course, proctored=True)]
    for number in range(30):
        user = UserFactory(username=f"learner{number}")
        EnrollmentFactory(user=user, course=course)
        AttemptFactory(exam=exams[number % 2], learner=user, started=True)

    with django_assert_max_num_queries(11):
        response = support_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 30


@pytest.mark.parametrize(
    ("query", "expected"),
    [("other@example.com", ["other"]), ("learner", ["learner"])],
)
def test_attempt_list_searches_by_username_and_email(
    support_client, course, learner, other_learner, query, expected
):
    exam = ExamFactory(course=course)
    AttemptFactory(exam=exam, learner=learner)
    AttemptFactory(exam=exam, learner=other_learner)

    response = support_client.get(reverse(CHANGELIST), {"q": query})

    assert [a.learner.username for a in response.context["cl"].result_list] == expected


def test_attempt_list_finds_an_attempt_by_its_code(support_client, course, learner, other_learner):
    exam = ExamFactory(course=course)
    wanted = AttemptFactory(exam=exam, learner=learner)
    AttemptFactory(exam=exam, learner=other_learner)

    response = support_client.get(reverse(CHANGELIST), {"q": wanted.attempt_code.lower()})

    assert list(response.context["cl"].result_list) == [wanted]


def test_attempt_list_filters_by_status(support_client, course, learner, other_learner):
    exam = ExamFactory(course=course)
    started = AttemptFactory(exam=exam, learner=learner, started=True)
    AttemptFactory(exam=exam, learner=other_learner)

    response = support_client.get(reverse(CHANGELIST), {"status__exact": S.STARTED})

    assert list(response.context["cl"].result_list) == [started]


def test_hand_review_settles_an_attempt_whose_upload_failed_after_it_ended(
    support_client, course, learner
):
    attempt = AttemptFactory(
        exam=ExamFactory(course=course, proctored=True),
        learner=learner,
        status=S.ERROR,
        started_at=timezone.now() - timedelta(minutes=40),
        completed_at=timezone.now() - timedelta(minutes=5),
    )

    _act(support_client, "review_unsatisfactory", [attempt])

    attempt.refresh_from_db()
    assert attempt.status == S.REJECTED


def test_hand_review_is_refused_for_an_attempt_that_errored_before_the_learner_finished(
    support_client, course, learner
):
    attempt = _errored_attempt(course, learner)

    response = _act(support_client, "review_satisfactory", [attempt])

    attempt.refresh_from_db()
    assert attempt.status == S.ERROR
    assert not AttemptTransition.objects.filter(attempt=attempt).exists()
    [(level, message)] = _messages(response)
    assert level == "warning"
    assert message.startswith(f"Attempt {attempt.attempt_code} of learner: ")


def test_resume_warns_about_a_learner_still_in_setup_and_changes_nothing(
    support_client, course, learner
):
    attempt = AttemptFactory(
        exam=ExamFactory(course=course, proctored=True),
        learner=learner,
        status=S.DOWNLOAD_SOFTWARE_CLICKED,
    )

    response = _act(support_client, "resume_attempts", [attempt])

    attempt.refresh_from_db()
    assert attempt.status == S.DOWNLOAD_SOFTWARE_CLICKED
    assert not AttemptTransition.objects.filter(attempt=attempt).exists()
    assert _messages(response) == [
        (
            "warning",
            f"Attempt {attempt.attempt_code} of learner: Only an attempt that stopped with an "
            "error before it ended can be resumed.",
        )
    ]


def test_the_hand_review_is_recorded_by_the_app_that_keeps_reviews(support_client, support, course):
    from proctoring.models import Review

    attempt = AttemptFactory(
        exam=ExamFactory(course=course, proctored=True), status=S.SECOND_REVIEW_REQUIRED
    )

    _act(support_client, "review_unsatisfactory", [attempt])

    review = Review.objects.get(attempt=attempt)
    assert (review.result, review.decided_by, review.is_applied) == (S.REJECTED, support, True)


def test_without_an_app_that_settles_reviews_the_hand_review_is_not_offered(
    support_client, course, monkeypatch
):
    from exams import hooks

    monkeypatch.setattr(hooks, "_hand_review", None)
    AttemptFactory(exam=ExamFactory(course=course, proctored=True))

    changelist = support_client.get(reverse(CHANGELIST))

    actions = [name for name, _ in changelist.context["action_form"].fields["action"].choices[1:]]
    assert actions == ["clear_attempts", "resume_attempts"]
