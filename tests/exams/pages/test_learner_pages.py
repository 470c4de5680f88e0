"""The learner pages render the right screen for each state (browser behaviour is tested with
Chromium in tests/browser)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exams.statuses import AttemptStatus as S
from tests.factories import AttemptFactory, ExamFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def page(client, user, path):
    client.force_login(user)
    response = client.get(path)
    return response, response.content.decode()


def exam_path(exam):
    return f"/courses/{exam.course.course_id}/exams/{exam.pk}/"


def test_course_home_lists_exams_with_the_learners_status(client, course, learner):
    ExamFactory(course=course, name="Midterm")
    started = ExamFactory(course=course, name="Final", proctored=True)
    AttemptFactory(exam=started, learner=learner, status=S.SUBMITTED)

    response, html = page(client, learner, f"/courses/{course.course_id}/")

    assert response.status_code == 200
    assert "Midterm" in html
    assert "Not started" in html
    assert "Pending" in html


def test_course_pages_are_hidden_from_people_not_enrolled(client, course, other_instructor):
    response, _ = page(client, other_instructor, f"/courses/{course.course_id}/")

    assert response.status_code == 404


def test_verified_learner_sees_both_proctoring_choices(client, course, learner):
    exam = ExamFactory(course=course, proctored=True)

    _, html = page(client, learner, exam_path(exam))

    assert "Take this exam with online proctoring" in html
    assert "Take this exam without proctoring" in html


def test_opt_out_confirmation_warns_of_the_consequences(client, course, learner):
    exam = ExamFactory(course=course, proctored=True)

    _, html = page(client, learner, exam_path(exam) + "?confirm=opt_out")

    assert "no time limit" in html
    assert "not be eligible for credit" in html
    assert "not be offered the proctored option for this exam again" in html


def test_audit_learner_is_offered_an_open_exam(client, course, auditor):
    exam = ExamFactory(course=course, proctored=True)

    _, html = page(client, auditor, exam_path(exam))

    assert "Begin the open exam" in html
    assert "with online proctoring</button>" not in html


def test_running_exam_shows_questions_and_timer(client, course, learner):
    exam = ExamFactory(course=course)
    QuestionFactory(exam=exam, prompt="What is six times seven?")
    AttemptFactory(exam=exam, learner=learner, started=True)

    _, html = page(client, learner, exam_path(exam))

    assert "What is six times seven?" in html
    assert "data-timer" in html
    assert 'data-warn="720,180"' in html
    assert "aria-live" in html


def test_other_course_pages_show_the_timer_banner(client, course, learner):
    exam = ExamFactory(course=course, name="Midterm")
    AttemptFactory(exam=exam, learner=learner, started=True)

    _, html = page(client, learner, f"/courses/{course.course_id}/progress/")

    assert "The exam timer keeps running" in html
    assert exam_path(exam) in html


def test_overdue_exam_page_shows_the_end_not_the_questions(client, course, learner):
    exam = ExamFactory(course=course)
    QuestionFactory(exam=exam, prompt="Hidden after the end?")
    attempt = AttemptFactory(
        exam=exam, learner=learner, started=True, started_at=timezone.now() - timedelta(hours=3)
    )

    _, html = page(client, learner, exam_path(exam))

    attempt.refresh_from_db()
    assert attempt.status == S.TIMED_OUT
    assert "Hidden after the end?" not in html
    assert "Time expired" in html


def test_progress_shows_credit_met_only_for_satisfactory_and_passing(client, course, learner):
    exam = ExamFactory(course=course, proctored=True, name="Final")
    AttemptFactory(
        exam=exam,
        learner=learner,
        status=S.VERIFIED,
        points_earned=8,
        points_possible=10,
        graded_at=timezone.now(),
    )

    _, html = page(client, learner, f"/courses/{course.course_id}/progress/")

    assert "Satisfactory" in html
    assert "80.0%" in html
    assert "Met" in html


def test_due_date_passed_without_attempt_shows_closed(client, course, learner):
    exam = ExamFactory(course=course, due_at=timezone.now() - timedelta(days=1))

    _, html = page(client, learner, exam_path(exam))

    assert "The due date for this exam has passed" in html


def test_home_links_a_learner_to_each_course(client, course, learner):
    from tests.factories import CourseFactory, EnrollmentFactory

    second = CourseFactory(course_id="course-v1:Test+Second+2026", name="Second course")
    EnrollmentFactory(user=learner, course=second)

    _, html = page(client, learner, "/")

    assert f'<a href="/courses/{course.course_id}/">{course.name}</a>' in html
    assert f'<a href="/courses/{second.course_id}/">Second course</a>' in html
    assert "/admin/" not in html


class HostDirectory:
    """A host LMS's directory: it enrols every user in the courses it names, with no local
    Enrollment rows at all."""

    def enrolled_courses(self, user):
        from exams.models import Course

        return Course.objects.filter(course_id="course-v1:Host+Only+2026")

    def staff_course_ids(self, user):
        from exams.models import Course

        return Course.objects.none()


def test_home_lists_the_courses_the_course_directory_names(client, settings, learner):
    from exams.integrations import course_directory
    from tests.factories import CourseFactory

    CourseFactory(course_id="course-v1:Host+Only+2026", name="Host course")
    settings.EXAMS_COURSE_DIRECTORY = f"{__name__}.HostDirectory"
    course_directory.cache_clear()
    try:
        _, html = page(client, learner, "/")
    finally:
        course_directory.cache_clear()

    assert '<a href="/courses/course-v1:Host+Only+2026/">Host course</a>' in html


def test_home_links_support_staff_to_every_dashboard_and_the_admin(client, course, support):
    _, html = page(client, support, "/")

    assert f'href="/courses/{course.course_id}/instructor/"' in html
    assert f"{course.name}: Special Exam dashboard" in html
    assert 'href="/admin/"' in html


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (S.CREATED, "Not started"),
        (S.DOWNLOAD_SOFTWARE_CLICKED, "Setting up the proctoring software"),
        (S.ERROR, "Stopped by a proctoring problem: contact support"),
        (S.SECOND_REVIEW_REQUIRED, "Pending"),
    ],
)
def test_learners_read_sentences_not_internal_status_words(client, course, learner, status, words):
    exam = ExamFactory(course=course, name="Final", proctored=True)
    AttemptFactory(exam=exam, learner=learner, status=status)

    _, html = page(client, learner, f"/courses/{course.course_id}/")
    _, progress = page(client, learner, f"/courses/{course.course_id}/progress/")

    cell = html.split("Final</a></td>", 1)[1].split("</tr>", 1)[0]
    assert words in cell
    for internal in ("Created", "Error", "Second review required", "download_software"):
        assert internal not in cell
        assert internal not in progress.split("<tbody>", 1)[1]


def test_progress_says_pending_for_credit_while_the_review_is_pending(client, course, learner):
    exam = ExamFactory(course=course, proctored=True, name="Final")
    AttemptFactory(
        exam=exam,
        learner=learner,
        status=S.SUBMITTED,
        points_earned=8,
        points_possible=10,
        graded_at=timezone.now(),
    )

    _, html = page(client, learner, f"/courses/{course.course_id}/progress/")

    row = html.split("<tbody>", 1)[1]
    assert row.count("Pending") == 2  # the proctoring result and the credit requirement
    assert "Not met" not in row


@pytest.mark.parametrize("path", ["/", "/courses/{course}/", "/courses/{course}/progress/"])
def test_learner_pages_are_never_cached(client, course, learner, path):
    response, _ = page(client, learner, path.format(course=course.course_id))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
