"""Every learner screen, arranged with factories: checked with axe-core and photographed.

A scene builds one state in a course of three exams (a timed midterm, a proctored final and a
practice exam) and returns who looks at which address.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from exams.models import Answer, Course, Exam, Question
from exams.statuses import AttemptStatus as S
from tests.browser.helpers import course_path, exam_path, exam_with_questions, progress_path
from tests.factories import AttemptFactory, ExamFactory


@dataclass
class Stage:
    course: Course
    midterm: Exam
    final: Exam
    practice: Exam
    learner: object  # verified track
    auditor: object  # audit track


def stage(course: Course, learner, auditor) -> Stage:
    course.name = "Introduction to Statistics"
    course.save(update_fields=["name"])
    midterm = exam_with_questions(course, name="Midterm exam", position=1)
    final = exam_with_questions(
        course,
        name="Final exam",
        exam_type="proctored",
        time_limit_minutes=90,
        position=2,
        review_rules="You may use one page of handwritten notes.",
    )
    practice = ExamFactory(course=course, name="Practice exam", practice=True, position=3)
    return Stage(course, midterm, final, practice, learner, auditor)


def _running(s: Stage, *, seconds_left: int = 3000, status: S = S.STARTED):
    attempt = AttemptFactory(
        exam=s.midterm,
        learner=s.learner,
        started=True,
        status=status,
        allowed_seconds=3600,
        deadline_at=timezone.now() + timedelta(seconds=seconds_left),
    )
    questions = {q.kind: q for q in Question.objects.filter(exam=s.midterm)}
    Answer.objects.create(attempt=attempt, question=questions["numeric"], response="42")
    return attempt


def _finished(s: Stage, exam: Exam, status: S, *, earned: int, proctored: bool = False):
    return AttemptFactory(
        exam=exam,
        learner=s.learner,
        status=status,
        taking_as_proctored=proctored,
        started_at=timezone.now() - timedelta(minutes=50),
        completed_at=timezone.now() - timedelta(minutes=5),
        allowed_seconds=exam.time_limit_minutes * 60,
        points_earned=Decimal(earned),
        points_possible=Decimal(4),
        graded_at=timezone.now() - timedelta(minutes=5),
    )


def course_home(s: Stage):
    _finished(s, s.practice, S.COMPLETED, earned=3, proctored=True)
    return s.learner, course_path(s.course)


def course_banner(s: Stage):
    _running(s)
    return s.learner, course_path(s.course)


def progress(s: Stage):
    _finished(s, s.final, S.VERIFIED, earned=3, proctored=True)
    return s.learner, progress_path(s.course)


def progress_banner(s: Stage):
    _running(s)
    _finished(s, s.final, S.SUBMITTED, earned=3, proctored=True)
    return s.learner, progress_path(s.course)


def entrance_timed(s: Stage):
    return s.learner, exam_path(s.midterm)


def entrance_proctored(s: Stage):
    return s.learner, exam_path(s.final)


def entrance_audit(s: Stage):
    return s.auditor, exam_path(s.final)


def entrance_practice(s: Stage):
    return s.learner, exam_path(s.practice)


def opt_out_confirm(s: Stage):
    return s.learner, exam_path(s.final) + "?confirm=opt_out"


def opted_out(s: Stage):
    AttemptFactory(exam=s.final, learner=s.learner, status=S.DECLINED, taking_as_proctored=False)
    return s.learner, exam_path(s.final)


def open_exam_running(s: Stage):
    AttemptFactory(
        exam=s.final,
        learner=s.auditor,
        status=S.STARTED,
        taking_as_proctored=False,
        started_at=timezone.now(),
    )
    return s.auditor, exam_path(s.final)


def proctoring_setup(s: Stage):
    AttemptFactory(exam=s.final, learner=s.learner, status=S.DOWNLOAD_SOFTWARE_CLICKED)
    return s.learner, exam_path(s.final)


def ready_to_start(s: Stage):
    AttemptFactory(exam=s.final, learner=s.learner, status=S.READY_TO_START)
    return s.learner, exam_path(s.final)


def exam_running(s: Stage):
    _running(s)
    return s.learner, exam_path(s.midterm)


def exam_warning(s: Stage):
    _running(s, seconds_left=600)
    return s.learner, exam_path(s.midterm)


def end_confirm(s: Stage):
    _running(s, status=S.READY_TO_SUBMIT)
    return s.learner, exam_path(s.midterm)


def completed(s: Stage):
    _finished(s, s.midterm, S.COMPLETED, earned=3)
    return s.learner, exam_path(s.midterm)


def timed_out(s: Stage):
    _finished(s, s.midterm, S.TIMED_OUT, earned=2)
    return s.learner, exam_path(s.midterm) + "?ended=time"


def proctored_pending(s: Stage):
    _finished(s, s.final, S.SUBMITTED, earned=4, proctored=True)
    return s.learner, exam_path(s.final)


def practice_finished(s: Stage):
    _finished(s, s.practice, S.COMPLETED, earned=4, proctored=True)
    return s.learner, exam_path(s.practice)


SCENES: dict[str, Callable[[Stage], tuple[object, str]]] = {
    "course-home": course_home,
    "course-banner": course_banner,
    "progress": progress,
    "progress-banner": progress_banner,
    "exam-entrance-timed": entrance_timed,
    "exam-entrance-proctored": entrance_proctored,
    "exam-entrance-audit": entrance_audit,
    "exam-entrance-practice": entrance_practice,
    "opt-out-confirm": opt_out_confirm,
    "opted-out": opted_out,
    "open-exam-running": open_exam_running,
    "proctoring-setup": proctoring_setup,
    "ready-to-start": ready_to_start,
    "exam-running": exam_running,
    "exam-warning": exam_warning,
    "end-confirm": end_confirm,
    "completed": completed,
    "timed-out": timed_out,
    "proctored-pending": proctored_pending,
    "practice-finished": practice_finished,
}
