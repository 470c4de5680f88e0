"""`manage.py seed_demo`: the demo course, exams and users, the same after any number of runs."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from exams import integrations
from exams.models import (
    Choice,
    Course,
    CourseRole,
    Enrollment,
    EnrollmentMode,
    Exam,
    ExamType,
    Question,
    QuestionKind,
)

pytestmark = pytest.mark.django_db

COURSE_ID = "course-v1:Demo+Exams+2026"
USERNAMES = ["auditor", "instructor", "learner", "support"]


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Course,
            Exam,
            Question,
            Choice,
            Enrollment,
            CourseRole,
            Group,
            get_user_model(),
        )
    }


@pytest.fixture(autouse=True)
def _default_password(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


def test_running_twice_gives_the_same_records():
    _seed()
    first = _counts()

    _seed()

    assert _counts() == first
    assert first == {
        "Course": 1,
        "Exam": 3,
        "Question": 14,
        "Choice": 24,
        "Enrollment": 2,
        "CourseRole": 1,
        "Group": 1,
        "User": 4,
    }


def test_demo_users_sign_in_with_the_demo_password(client):
    _seed()

    for username in USERNAMES:
        assert client.login(username=username, password="demo-password"), username


def test_demo_password_comes_from_the_environment_and_a_rerun_updates_it(client, monkeypatch):
    _seed()
    monkeypatch.setenv("DEMO_PASSWORD", "s3cret-demo")

    _seed()

    assert client.login(username="learner", password="s3cret-demo")
    assert not client.login(username="learner", password="demo-password")


def test_each_demo_user_has_their_role():
    _seed()
    users = {u.username: u for u in get_user_model().objects.all()}
    course = Course.objects.get(course_id=COURSE_ID)

    assert sorted(users) == USERNAMES
    assert {u.email for u in users.values()} == {f"{name}@example.com" for name in USERNAMES}
    assert integrations.course_directory().enrollment_mode(users["learner"], course) == (
        EnrollmentMode.VERIFIED
    )
    assert integrations.course_directory().enrollment_mode(users["auditor"], course) == (
        EnrollmentMode.AUDIT
    )
    assert integrations.is_course_staff(users["instructor"], course)
    assert not integrations.is_enrolled(users["instructor"], course)
    support = users["support"]
    assert (support.is_staff, support.is_superuser) == (True, False)
    assert list(support.groups.values_list("name", flat=True)) == ["support"]
    assert support.has_perm("exams.add_allowance")
    assert not any(u.is_staff for name, u in users.items() if name != "support")


def test_demo_course_has_the_three_exams_with_every_question_kind():
    _seed()
    course = Course.objects.get(course_id=COURSE_ID)
    exams = {exam.name: exam for exam in course.exams.all()}

    assert course.name == "Demo Course: Special Exams"
    assert (course.proctored_exams_enabled, course.allow_opting_out) == (True, True)
    assert course.proctoring_provider == "simulated"
    assert {
        name: (e.exam_type, e.time_limit_minutes, e.is_graded) for name, e in exams.items()
    } == {
        "Practice Proctored Exam": (ExamType.PRACTICE, 10, False),
        "Midterm (timed)": (ExamType.TIMED, 30, True),
        "Final Exam (proctored)": (ExamType.PROCTORED, 60, True),
    }
    assert exams["Final Exam (proctored)"].review_rules == (
        "Allow one blank sheet of paper and a pencil."
    )
    for exam in exams.values():
        questions = list(exam.questions.prefetch_related("choices"))
        assert {q.kind for q in questions} == set(QuestionKind.values), exam.name
        for question in questions:
            correct = [c for c in question.choices.all() if c.is_correct]
            if question.kind == QuestionKind.SINGLE_CHOICE:
                assert len(correct) == 1, question.prompt
            elif question.kind == QuestionKind.MULTIPLE_CHOICE:
                assert len(correct) >= 2, question.prompt
            elif question.kind == QuestionKind.NUMERIC:
                assert question.numeric_answer is not None
            else:
                assert question.text_answers.strip(), question.prompt


def test_rerun_restores_edited_demo_content():
    _seed()
    question = Question.objects.get(exam__name="Midterm (timed)", position=1)
    question.prompt = "Edited"
    question.save()
    Choice.objects.filter(question=question).first().delete()

    _seed()

    question.refresh_from_db()
    assert question.prompt == "Which planet is closest to the Sun?"
    assert list(question.choices.values_list("text", "is_correct")) == [
        ("Mercury", True),
        ("Venus", False),
        ("Earth", False),
        ("Mars", False),
    ]


def test_output_names_the_course_the_exams_the_users_and_the_urls():
    out = _seed()

    assert "course-v1:Demo+Exams+2026 (Demo Course: Special Exams)" in out
    for name in ("Practice Proctored Exam", "Midterm (timed)", "Final Exam (proctored)"):
        assert name in out
    for username in USERNAMES:
        assert f"{username}@example.com" in out
    assert out.count("password: demo-password") == 4
    assert "http://127.0.0.1:8000/" in out
    assert "http://127.0.0.1:8000/admin/" in out


def test_seed_demo_prints_the_site_address_it_is_given():
    out = StringIO()

    call_command("seed_demo", "--site-url", "http://127.0.0.1:8123/", stdout=out)

    printed = out.getvalue()
    assert "Site:  http://127.0.0.1:8123/\n" in printed
    assert "Admin: http://127.0.0.1:8123/admin/ (sign in as support)" in printed
    assert ":8000" not in printed


def test_setup_roles_reports_the_support_group():
    out = StringIO()

    call_command("setup_roles", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Group 'support': 19 permissions"
    assert "  exams.change_attempt" in lines
    assert "  proctoring.view_review" in lines
    assert Group.objects.get(name="support").permissions.count() == 19
