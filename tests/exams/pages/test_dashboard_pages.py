"""The instructor pages (Special Exam dashboard, allowances, settings) rendered on the server:
who may open them, what they show, and the forms that change things. Browser behaviour
(dialogs, axe-core) is tested with Chromium in tests/browser/test_dashboard.py."""

import base64
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import Allowance, Answer, Attempt, AuditLogEntry, Course, CourseRole, Exam
from exams.statuses import AttemptStatus as S
from tests.factories import (
    AllowanceFactory,
    AttemptFactory,
    CourseFactory,
    ExamFactory,
    QuestionFactory,
    attempts_in_bulk,
)

pytestmark = pytest.mark.django_db

COURSE_ID = "course-v1:Test+Exams+2026"
BASE = f"/courses/{COURSE_ID}/instructor/"
PAGES = [BASE, BASE + "allowances/", BASE + "settings/"]
ACTORS = ["learner", "other_instructor", "instructor", "support"]


def page(client, user, path, **params):
    client.force_login(user)
    response = client.get(path, params)
    return response, response.content.decode()


@pytest.fixture
def final(course):
    return ExamFactory(course=course, name="Final", proctored=True, time_limit_minutes=90)


@pytest.fixture
def midterm(course):
    return ExamFactory(course=course, name="Midterm", time_limit_minutes=60)


# Who may open the pages


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, course, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(path, safe='/')}"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("actor", ACTORS)
def test_pages_are_for_course_staff_and_support_only(request, client, course, path, actor):
    response, _ = page(client, request.getfixturevalue(actor), path)

    assert response.status_code == (200 if actor in ("instructor", "support") else 404)


def test_a_missing_course_looks_like_a_forbidden_one(client, course, other_instructor):
    missing, _ = page(client, other_instructor, "/courses/course-v1:No+Such+Run/instructor/")
    forbidden, _ = page(client, other_instructor, BASE)

    assert (missing.status_code, forbidden.status_code) == (404, 404)


def test_home_page_links_the_dashboard_for_course_staff(client, course, instructor):
    _, html = page(client, instructor, "/")

    assert f'href="{BASE}"' in html


def test_instructor_navigation_marks_the_current_page(client, course, instructor):
    _, html = page(client, instructor, BASE + "settings/")

    assert f'<a href="{BASE}settings/" aria-current="page">Settings</a>' in html
    assert f'<a href="{BASE}">Special Exam</a>' in html


# The dashboard


def test_dashboard_without_attempts_says_so(client, course, instructor, midterm):
    _, html = page(client, instructor, BASE)

    assert "Student Special Exam Attempts" in html
    assert html.count("No attempts yet.") == 2  # the list and Midterm's chart


def test_dashboard_row_shows_every_column_and_a_labelled_clear(
    client, course, learner, instructor, final
):
    started = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    attempt = AttemptFactory(
        exam=final,
        learner=learner,
        status=S.COMPLETED,
        started_at=started,
        completed_at=datetime(2026, 11, 2, 10, 15, tzinfo=UTC),
        allowed_seconds=105 * 60,
    )

    _, html = page(client, instructor, BASE)

    for text in (
        "<td>learner</td>",
        "<td>learner@example.com</td>",
        "<td>Final</td>",
        "<td>01:45</td>",
        "<td>Proctored</td>",
        '<time datetime="2026-11-02T09:00:00+00:00" data-local>'
        "<span>2026-11-02</span> <span>09:00 UTC</span></time>",
        '<time datetime="2026-11-02T10:15:00+00:00" data-local>'
        "<span>2026-11-02</span> <span>10:15 UTC</span></time>",
        '<span class="status status-completed">Completed</span>',
        'aria-label="Clear the attempt of learner at Final"',
        f'href="{BASE}attempts/{attempt.pk}/clear/"',
        "removes every answer in it",
        "cannot be undone",
    ):
        assert text in html, text
    assert "Resume" not in html


def test_errored_attempt_offers_resume(client, course, learner, instructor, final):
    attempt = AttemptFactory(exam=final, learner=learner, status=S.ERROR, started_at=None)

    _, html = page(client, instructor, BASE)

    assert f'action="{BASE}attempts/{attempt.pk}/resume/"' in html
    assert 'aria-label="Resume the attempt of learner at Final"' in html


def test_dashboard_search_and_filters(client, course, learner, other_learner, instructor, final):
    AttemptFactory(exam=final, learner=learner, status=S.STARTED)
    AttemptFactory(exam=final, learner=other_learner, status=S.ERROR)

    _, by_name = page(client, instructor, BASE, q="lear")
    _, by_email = page(client, instructor, BASE, q="OTHER@example.com")
    _, by_status = page(client, instructor, BASE, status="started", exam=str(final.pk))
    _, nothing = page(client, instructor, BASE, q="zed")

    assert "<td>learner@example.com</td>" in by_name
    assert "<td>other@example.com</td>" not in by_name
    assert "<td>other@example.com</td>" in by_email
    assert "<td>learner@example.com</td>" not in by_email
    assert "<td>learner@example.com</td>" in by_status
    assert "<td>other@example.com</td>" not in by_status
    assert f'<option value="{final.pk}" selected>Final</option>' in by_status
    assert "No attempts match this search." in nothing


def test_dashboard_pages_through_the_attempts(client, course, instructor, midterm):
    attempts_in_bulk(midterm, 30)

    _, first = page(client, instructor, BASE, q="user")
    _, second = page(client, instructor, BASE, q="user", page="2")

    assert "30 attempts, page 1 of 2" in first
    assert 'href="?q=user&amp;page=2" rel="next"' in first
    assert first.count("<tr data-attempt=") == 25
    assert second.count("<tr data-attempt=") == 5
    assert 'href="?q=user&amp;page=1" rel="prev"' in second


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "nope"}, "Unknown status &#x27;nope&#x27;."),
        ({"page": "9"}, "Page 9 does not exist; there are 1."),
        ({"exam": "x"}, "The exam id must be a whole number from 1 up."),
    ],
)
def test_bad_filters_show_the_reason(client, course, instructor, params, message):
    response, html = page(client, instructor, BASE, **params)

    assert response.status_code == 400
    assert f'<p class="error" role="alert">{message}</p>' in html


def test_chart_shows_counts_per_status_as_text(
    client, course, learner, other_learner, auditor, instructor, final, midterm
):
    AttemptFactory(exam=final, learner=learner, status=S.VERIFIED)
    AttemptFactory(exam=final, learner=other_learner, status=S.VERIFIED)
    AttemptFactory(exam=final, learner=auditor, status=S.ERROR)

    _, html = page(client, instructor, BASE)

    assert "<strong>Final</strong>: 3 attempts" in html
    assert "<dt>Satisfactory</dt>" in html
    assert '<rect class="bar status-verified" width="67" height="10"></rect></svg>' in html
    assert '<span class="bar-value">2</span>' in html
    assert '<rect class="bar status-error" width="33" height="10"></rect>' in html
    assert "<strong>Midterm</strong>: 0 attempts" in html


def test_dashboard_costs_the_same_queries_for_10_and_200_attempts(
    client, course, instructor, midterm, django_assert_num_queries
):
    client.force_login(instructor)
    attempts_in_bulk(midterm, 10)
    with CaptureQueriesContext(connection) as ten:
        client.get(BASE)
    attempts_in_bulk(midterm, 190)

    with django_assert_num_queries(len(ten)):
        client.get(BASE)


# Clearing and resuming


@pytest.fixture
def answered(course, learner, final):
    attempt = AttemptFactory(exam=final, learner=learner, status=S.STARTED)
    Answer.objects.create(attempt=attempt, question=QuestionFactory(exam=final), response="1")
    return attempt


def test_clear_confirmation_page_warns_and_changes_nothing(client, instructor, answered):
    response, html = page(client, instructor, f"{BASE}attempts/{answered.pk}/clear/")

    assert response.status_code == 200
    assert "Clear this exam attempt?" in html
    assert "This is permanent and cannot be undone." in html
    assert Attempt.objects.filter(pk=answered.pk).exists()


def test_clear_removes_the_attempt_and_returns_to_the_same_search(client, instructor, answered):
    client.force_login(instructor)

    response = client.post(f"{BASE}attempts/{answered.pk}/clear/?q=learner&page=2")

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}?q=learner"
    assert not Attempt.objects.filter(pk=answered.pk).exists()
    assert not Answer.objects.exists()
    _, html = page(client, instructor, response["Location"])
    assert "Cleared the attempt of learner at Final." in html
    assert "No attempts match this search." in html


def test_clearing_twice_says_it_was_already_cleared(client, instructor, answered):
    client.force_login(instructor)
    client.post(f"{BASE}attempts/{answered.pk}/clear/")

    response = client.post(f"{BASE}attempts/{answered.pk}/clear/", follow=True)

    assert "That attempt was already cleared." in response.content.decode()
    assert AuditLogEntry.objects.filter(action="attempt_cleared").count() == 1


@pytest.mark.parametrize("actor", ["learner", "other_instructor"])
def test_clear_by_others_is_not_found_and_changes_nothing(request, client, answered, actor):
    client.force_login(request.getfixturevalue(actor))

    response = client.post(f"{BASE}attempts/{answered.pk}/clear/")

    assert response.status_code == 404
    assert Attempt.objects.filter(pk=answered.pk).exists()


def test_clear_of_an_attempt_of_another_course_through_this_course_is_not_found(
    client, course, instructor
):
    other = CourseFactory()
    CourseRole.objects.create(user=instructor, course=other)
    attempt = AttemptFactory(exam=ExamFactory(course=other))
    client.force_login(instructor)

    response = client.get(f"{BASE}attempts/{attempt.pk}/clear/")

    assert response.status_code == 404


def test_resume_lets_an_errored_learner_go_on(client, instructor, learner, final):
    attempt = AttemptFactory(
        exam=final,
        learner=learner,
        status=S.ERROR,
        started_at=datetime(2026, 11, 2, tzinfo=UTC),
        paused_remaining_seconds=600,
    )
    client.force_login(instructor)

    response = client.post(f"{BASE}attempts/{attempt.pk}/resume/?status=error", follow=True)

    assert Attempt.objects.get(pk=attempt.pk).status == S.READY_TO_START
    assert "learner can resume Final." in response.content.decode()
    assert response.redirect_chain == [(f"{BASE}?status=error", 302)]


def test_resume_of_a_running_attempt_shows_why_not(client, instructor, answered):
    client.force_login(instructor)

    response = client.post(f"{BASE}attempts/{answered.pk}/resume/", follow=True)

    assert "Only an attempt that stopped with an error" in response.content.decode()
    assert Attempt.objects.get(pk=answered.pk).status == S.STARTED


# Allowances


ALLOWANCES = BASE + "allowances/"


def test_allowances_page_without_allowances_says_so(client, instructor, course):
    _, html = page(client, instructor, ALLOWANCES)

    assert "No allowances yet." in html


def test_allowances_page_lists_them(client, course, learner, instructor, final):
    AllowanceFactory(exam=final, learner=learner, minutes=30, reason="DS office")
    AllowanceFactory(
        exam=None,
        course=course,
        learner=learner,
        kind="time_multiplier",
        minutes=None,
        multiplier="1.50",
    )

    _, html = page(client, instructor, ALLOWANCES)

    assert "<td>+30 min</td>" in html
    assert "<td>x1.50</td>" in html
    assert "<td>DS office</td>" in html
    assert "<em>All timed exams</em>" in html
    assert 'Delete<span class="visually-hidden"> Additional minutes of learner</span>' in html


def test_add_an_allowance_from_the_page(client, learner, instructor, final):
    client.force_login(instructor)

    response = client.post(
        ALLOWANCES,
        {
            "add-learner": "learner@example.com",
            "add-exam": str(final.pk),
            "add-kind": "additional_minutes",
            "add-value": "25",
            "add-reason": "DS",
        },
    )

    assert response.status_code == 302
    allowance = Allowance.objects.get()
    assert (allowance.learner, allowance.exam, allowance.minutes, allowance.reason) == (
        learner,
        final,
        25,
        "DS",
    )


def test_add_refusals_show_on_the_field(client, course, learner, instructor, other_instructor):
    client.force_login(instructor)

    unknown = client.post(
        ALLOWANCES,
        {
            "add-learner": "nobody",
            "add-exam": "all",
            "add-kind": "additional_minutes",
            "add-value": "5",
        },
    )
    outsider = client.post(
        ALLOWANCES,
        {
            "add-learner": "elsewhere",
            "add-exam": "all",
            "add-kind": "additional_minutes",
            "add-value": "5",
        },
    )
    bad_value = client.post(
        ALLOWANCES,
        {
            "add-learner": "learner",
            "add-exam": "all",
            "add-kind": "time_multiplier",
            "add-value": "1",
        },
    )

    assert unknown.status_code == 400
    assert "No user with username or e-mail &#x27;nobody&#x27;." in unknown.content.decode()
    assert 'id="id_add-learner_error"' in unknown.content.decode()
    assert "The learner is not enrolled in this course." in outsider.content.decode()
    assert 'id="id_add-learner_error"' in outsider.content.decode()
    assert "The time multiplier must be above 1" in bad_value.content.decode()
    assert 'id="id_add-value_error"' in bad_value.content.decode()
    assert not Allowance.objects.exists()


def test_change_an_allowance_from_the_page(client, learner, instructor, final):
    allowance = AllowanceFactory(exam=final, learner=learner, minutes=30, reason="DS")
    client.force_login(instructor)
    url = f"{ALLOWANCES}{allowance.pk}/edit/"

    shown = client.get(url).content.decode()
    response = client.post(url, {"value": "40", "reason": "DS office", "expires_at": ""})

    assert 'value="30"' in shown
    assert response.status_code == 302
    allowance.refresh_from_db()
    assert (allowance.minutes, allowance.reason) == (40, "DS office")


def test_delete_an_allowance_after_confirming(client, learner, instructor, final):
    allowance = AllowanceFactory(exam=final, learner=learner, minutes=30)
    client.force_login(instructor)
    url = f"{ALLOWANCES}{allowance.pk}/delete/"

    confirmation = client.get(url).content.decode()
    response = client.post(url)

    assert "Delete this allowance?" in confirmation
    assert response.status_code == 302
    assert not Allowance.objects.exists()


@pytest.mark.parametrize("suffix", ["edit/", "delete/"])
def test_allowance_of_another_course_is_not_found(client, instructor, suffix):
    allowance = AllowanceFactory()
    client.force_login(instructor)

    assert client.get(f"{ALLOWANCES}{allowance.pk}/{suffix}").status_code == 404
    assert client.post(f"{ALLOWANCES}{allowance.pk}/{suffix}").status_code == 404
    assert Allowance.objects.filter(pk=allowance.pk).exists()


def test_bulk_add_shows_a_result_per_learner_and_exam(
    client, learner, other_learner, instructor, final, midterm
):
    client.force_login(instructor)

    response = client.post(
        ALLOWANCES + "bulk/",
        {
            "bulk-learners": "learner, nobody\nother@example.com",
            "bulk-exams": [str(final.pk), "all"],
            "bulk-kind": "additional_minutes",
            "bulk-value": "10",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "4 added, 2 not added." in html
    assert html.count('<span class="ok">Added</span>') == 4
    assert "Not added: No user with username or e-mail &#x27;nobody&#x27;." in html
    assert Allowance.objects.count() == 4


def test_bulk_add_without_an_exam_is_refused_on_the_field(client, learner, instructor):
    client.force_login(instructor)

    response = client.post(
        ALLOWANCES + "bulk/",
        {"bulk-learners": "learner", "bulk-kind": "additional_minutes", "bulk-value": "10"},
    )

    assert response.status_code == 400
    assert "Choose at least one exam, or all timed exams." in response.content.decode()
    assert not Allowance.objects.exists()


CSV_HEADER = "learner,exam,kind,value,reason,expires_at\n"


def check_csv(client, content: bytes):
    file = SimpleUploadedFile("extra-time.csv", content, content_type="text/csv")
    return client.post(ALLOWANCES + "upload/", {"csv-file": file})


def test_csv_check_reports_every_rows_problem_and_saves_nothing(client, learner, instructor, final):
    client.force_login(instructor)

    response = check_csv(
        client,
        (CSV_HEADER + "learner,Final,additional_minutes,30,,\nnobody,History,extra,x,,\n").encode(),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 of 2 rows have problems. Nothing was saved" in html
    assert "No user with username or e-mail &#x27;nobody&#x27;." in html
    assert "No special exam &#x27;History&#x27; (name or id) in this course." in html
    assert "The kind is &#x27;extra&#x27;" in html
    assert 'name="apply"' not in html
    assert not Allowance.objects.exists()


def test_csv_check_then_apply_saves_every_row(client, learner, other_learner, instructor, final):
    client.force_login(instructor)
    content = CSV_HEADER + "learner,Final,additional_minutes,30,,\nother,,time_multiplier,2,,\n"

    checked = check_csv(client, content.encode()).content.decode()
    applied = client.post(
        ALLOWANCES + "upload/",
        {
            "apply": "1",
            "filename": "extra-time.csv",
            "content": base64.b64encode(content.encode()).decode(),
        },
        follow=True,
    )

    assert "All 2 rows are ready. Nothing is saved until you apply the file." in checked
    assert "Apply: save 2 allowances" in checked
    assert "Saved 2 allowances from extra-time.csv." in applied.content.decode()
    assert Allowance.objects.count() == 2


def test_csv_apply_of_a_file_gone_stale_saves_nothing(client, learner, instructor, final):
    client.force_login(instructor)
    content = CSV_HEADER + "learner,Final,additional_minutes,30,,\n"
    AllowanceFactory(exam=final, learner=learner, minutes=5)  # added since the check

    response = client.post(
        ALLOWANCES + "upload/",
        {"apply": "1", "filename": "a.csv", "content": base64.b64encode(content.encode()).decode()},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "1 of 1 rows have problems; nothing was saved." in html
    assert "already has an allowance of this kind (additional minutes)" in html
    assert Allowance.objects.get().minutes == 5


def test_csv_file_problems_show_on_the_file_field(client, instructor, course):
    client.force_login(instructor)

    response = check_csv(client, "learner;exam\n".encode("utf-16"))

    assert response.status_code == 400
    assert "The file is not UTF-8 text" in response.content.decode()
    assert 'id="id_csv-file_error"' in response.content.decode()


# Settings


SETTINGS = BASE + "settings/"


def exam_post(exam, **changes):
    values = {
        "exam_type": exam.exam_type,
        "time_allotted": "01:00",
        "review_rules": "",
        "due_at": "",
        "passing_percent": "50.00",
        "is_graded": "on",
        "is_active": "on",
        **changes,
    }
    data = {f"exam-{exam.pk}-{name}": value for name, value in values.items() if value is not None}
    return {"section": f"exam-{exam.pk}", **data}


def test_settings_page_shows_course_and_exam_settings(client, course, instructor, final):
    _, html = page(client, instructor, SETTINGS)

    assert "Enable Proctored Exams" in html
    assert "Allow Opting Out of Proctored Exams" in html
    assert f'name="exam-{final.pk}-time_allotted" value="01:30"' in html
    assert '<option value="proctored" selected>Proctored</option>' in html


def test_course_settings_saved_from_the_page(client, course, instructor):
    client.force_login(instructor)

    response = client.post(
        SETTINGS,
        {
            "section": "course",
            "course-proctored_exams_enabled": "on",
            "course-proctoring_provider": "simulated",
        },
        follow=True,
    )

    course.refresh_from_db()
    assert (course.allow_opting_out, course.proctoring_provider) == (False, "simulated")
    assert "Course settings saved." in response.content.decode()


def test_disabling_proctoring_with_active_proctored_exams_shows_them(
    client, course, instructor, final
):
    client.force_login(instructor)

    response = client.post(
        SETTINGS,
        {
            "section": "course",
            "course-allow_opting_out": "on",
            "course-proctoring_provider": "null",
        },
    )

    assert response.status_code == 400
    assert "These proctored or practice exams are still active: &#x27;Final&#x27;." in (
        response.content.decode()
    )
    assert Course.objects.get(pk=course.pk).proctored_exams_enabled is True


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1:5", "Write the minutes with two digits, for example 01:05."),
        ("25:61", "Minutes must be between 00 and 59."),
        ("24:01", "The time allotted cannot be longer than 24:00."),
        ("", "Timed, proctored and practice exams need a Time Allotted (HH:MM)."),
    ],
)
def test_bad_time_allotted_shows_inline(client, instructor, midterm, value, message):
    client.force_login(instructor)

    response = client.post(SETTINGS, exam_post(midterm, time_allotted=value))

    html = response.content.decode()
    assert response.status_code == 400
    assert f'<ul class="errorlist" id="id_exam-{midterm.pk}-time_allotted_error"><li>{message}' in (
        html
    )
    assert Exam.objects.get(pk=midterm.pk).time_limit_minutes == 60


def test_exam_settings_saved_from_the_page(client, instructor, midterm):
    client.force_login(instructor)

    response = client.post(
        SETTINGS,
        exam_post(
            midterm,
            time_allotted="02:15",
            due_at="2026-12-01T17:00",
            passing_percent="70",
            review_rules="Open book.",
        ),
        follow=True,
    )

    midterm.refresh_from_db()
    assert (midterm.time_limit_minutes, midterm.due_at, str(midterm.passing_percent)) == (
        135,
        datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
        "70.00",
    )
    assert midterm.review_rules == "Open book."
    assert "Settings of Midterm saved." in response.content.decode()


def test_proctored_type_refused_on_the_page_while_proctoring_is_disabled(
    client, course, instructor, midterm
):
    Course.objects.filter(pk=course.pk).update(proctored_exams_enabled=False)
    client.force_login(instructor)

    response = client.post(SETTINGS, exam_post(midterm, exam_type="proctored"))

    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_exam-{midterm.pk}-exam_type_error"' in html
    assert "Proctored and practice exams are not enabled for this course." in html
    assert Exam.objects.get(pk=midterm.pk).exam_type == "timed"


def test_settings_post_by_another_courses_instructor_changes_nothing(
    client, other_instructor, midterm
):
    client.force_login(other_instructor)

    response = client.post(SETTINGS, exam_post(midterm, time_allotted="03:00"))

    assert response.status_code == 404
    assert Exam.objects.get(pk=midterm.pk).time_limit_minutes == 60
