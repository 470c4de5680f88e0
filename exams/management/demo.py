"""The demo course, its three exams and four users, made (or brought up to date) by `seed_demo`.

Safe to run again: everything is found by a natural key (course id, exam name, question and
choice position, username) and updated in place, so a second run makes no duplicates and resets
the demo users' passwords to the current value. Other people's scripts and the README rely on the
course id and the usernames: keep them.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

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
    RoleName,
)
from exams.support import ensure_support_group

COURSE_ID = "course-v1:Demo+Exams+2026"
COURSE_NAME = "Demo Course: Special Exams"
DEFAULT_PASSWORD = "demo-password"
LEARNER, AUDITOR, INSTRUCTOR, SUPPORT = "learner", "auditor", "instructor", "support"

K = QuestionKind


@dataclass(frozen=True)
class DemoQuestion:
    kind: QuestionKind
    prompt: str
    points: Decimal = Decimal(1)
    choices: tuple[tuple[str, bool], ...] = ()  # (text, is_correct) for choice questions
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal(0)
    text_answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoExam:
    name: str
    exam_type: ExamType
    time_limit_minutes: int
    is_graded: bool
    review_rules: str = ""
    questions: tuple[DemoQuestion, ...] = field(default_factory=tuple)


PRACTICE = DemoExam(
    name="Practice Proctored Exam",
    exam_type=ExamType.PRACTICE,
    time_limit_minutes=10,
    is_graded=False,
    questions=(
        DemoQuestion(K.SINGLE_CHOICE, "What is 2 + 2?", choices=(("3", False), ("4", True))),
        DemoQuestion(
            K.MULTIPLE_CHOICE,
            "Which of these are colours of the rainbow?",
            choices=(("Red", True), ("Green", True), ("Brown", False), ("Violet", True)),
        ),
        DemoQuestion(K.NUMERIC, "How many minutes are in an hour?", numeric_answer=Decimal(60)),
        DemoQuestion(
            K.TEXT, "Type the word 'ready' to finish the practice.", text_answers=("ready",)
        ),
    ),
)

MIDTERM = DemoExam(
    name="Midterm (timed)",
    exam_type=ExamType.TIMED,
    time_limit_minutes=30,
    is_graded=True,
    questions=(
        DemoQuestion(
            K.SINGLE_CHOICE,
            "Which planet is closest to the Sun?",
            choices=(("Mercury", True), ("Venus", False), ("Earth", False), ("Mars", False)),
        ),
        DemoQuestion(
            K.MULTIPLE_CHOICE,
            "Which of these numbers are prime?",
            points=Decimal(2),
            choices=(("2", True), ("9", False), ("11", True), ("15", False), ("17", True)),
        ),
        DemoQuestion(K.NUMERIC, "What is 12 times 12?", numeric_answer=Decimal(144)),
        DemoQuestion(
            K.NUMERIC,
            "Give π to two decimal places.",
            numeric_answer=Decimal("3.14"),
            numeric_tolerance=Decimal("0.01"),
        ),
        DemoQuestion(K.TEXT, "What is the chemical symbol of gold?", text_answers=("Au",)),
    ),
)

FINAL = DemoExam(
    name="Final Exam (proctored)",
    exam_type=ExamType.PROCTORED,
    time_limit_minutes=60,
    is_graded=True,
    review_rules="Allow one blank sheet of paper and a pencil.",
    questions=(
        DemoQuestion(
            K.SINGLE_CHOICE,
            "Which gas do plants take in for photosynthesis?",
            points=Decimal(2),
            choices=(
                ("Carbon dioxide", True),
                ("Oxygen", False),
                ("Nitrogen", False),
                ("Helium", False),
            ),
        ),
        DemoQuestion(
            K.MULTIPLE_CHOICE,
            "Which of these animals are mammals?",
            points=Decimal(3),
            choices=(
                ("Whale", True),
                ("Bat", True),
                ("Shark", False),
                ("Penguin", False),
                ("Dolphin", True),
            ),
        ),
        DemoQuestion(
            K.NUMERIC,
            "A train travels 150 km in 2 hours. What is its average speed in km/h?",
            points=Decimal(2),
            numeric_answer=Decimal(75),
        ),
        DemoQuestion(
            K.NUMERIC,
            "What is the square root of 2, to three decimal places?",
            points=Decimal(2),
            numeric_answer=Decimal("1.414"),
            numeric_tolerance=Decimal("0.001"),
        ),
        DemoQuestion(
            K.TEXT,
            "Which is the largest ocean on Earth?",
            text_answers=("Pacific", "Pacific Ocean", "The Pacific Ocean"),
        ),
    ),
)

DEMO_EXAMS = (PRACTICE, MIDTERM, FINAL)


@dataclass(frozen=True)
class DemoUser:
    username: str
    email: str
    role: str


@dataclass(frozen=True)
class DemoSeed:
    """What `seed_demo` made, for the command to print."""

    course: Course
    exams: list[Exam]
    users: list[DemoUser]
    password: str


@transaction.atomic
def seed_demo(*, password: str = DEFAULT_PASSWORD) -> DemoSeed:
    """Create or update the demo course, its exams and questions, and the four demo users.

    Idempotent (see the module docstring). One transaction: a failure leaves nothing half-made.
    """
    course, _ = Course.objects.update_or_create(
        course_id=COURSE_ID,
        defaults={
            "name": COURSE_NAME,
            "proctored_exams_enabled": True,
            "allow_opting_out": True,
            "proctoring_provider": "simulated",
        },
    )
    exams = [_exam(course, spec, position) for position, spec in enumerate(DEMO_EXAMS, start=1)]
    users = _users(course, password, ensure_support_group())
    return DemoSeed(course=course, exams=exams, users=users, password=password)


def _exam(course: Course, spec: DemoExam, position: int) -> Exam:
    exam, _ = Exam.objects.update_or_create(
        course=course,
        name=spec.name,
        defaults={
            "exam_type": spec.exam_type,
            "time_limit_minutes": spec.time_limit_minutes,
            "is_graded": spec.is_graded,
            "review_rules": spec.review_rules,
            "is_active": True,
            "position": position,
        },
    )
    positions = range(1, len(spec.questions) + 1)
    for number, question_spec in zip(positions, spec.questions, strict=True):
        _question(exam, question_spec, number)
    exam.questions.exclude(position__in=positions).delete()
    return exam


def _question(exam: Exam, spec: DemoQuestion, position: int) -> None:
    question, _ = Question.objects.update_or_create(
        exam=exam,
        position=position,
        defaults={
            "kind": spec.kind,
            "prompt": spec.prompt,
            "points": spec.points,
            "numeric_answer": spec.numeric_answer,
            "numeric_tolerance": spec.numeric_tolerance,
            "text_answers": "\n".join(spec.text_answers),
        },
    )
    positions = range(1, len(spec.choices) + 1)
    for number, (text, is_correct) in zip(positions, spec.choices, strict=True):
        Choice.objects.update_or_create(
            question=question, position=number, defaults={"text": text, "is_correct": is_correct}
        )
    question.choices.exclude(position__in=positions).delete()


def _users(course: Course, password: str, support_group: Group) -> list[DemoUser]:
    made = []
    for username, role in (
        (LEARNER, "verified-track learner"),
        (AUDITOR, "audit-track learner (proctored exams are open exams)"),
        (INSTRUCTOR, "course staff (instructor)"),
        (SUPPORT, "support staff (Django admin)"),
    ):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.email = f"{username}@example.com"
        user.is_active = True
        user.is_staff = username == SUPPORT
        user.is_superuser = False
        user.set_password(password)
        user.save()
        made.append(DemoUser(username=username, email=user.email, role=role))
        if username in (LEARNER, AUDITOR):
            mode = EnrollmentMode.VERIFIED if username == LEARNER else EnrollmentMode.AUDIT
            Enrollment.objects.update_or_create(
                user=user, course=course, defaults={"mode": mode, "is_active": True}
            )
        elif username == INSTRUCTOR:
            CourseRole.objects.get_or_create(user=user, course=course, role=RoleName.INSTRUCTOR)
        else:
            user.groups.add(support_group)
    return made
