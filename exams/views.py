"""The learner's HTML pages. They read through the same selectors as the API, and the small
script on them acts through the API."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from exams import hooks
from exams.exceptions import NotFound
from exams.integrations import course_directory
from exams.models import CHOICE_KINDS, Attempt, Course, Exam
from exams.permissions import access_course_as_learner, access_exam_as_learner, is_support
from exams.selectors import questions_with_choices
from exams.selectors.learner import (
    attempt_current,
    attempt_summary,
    exam_for_learner,
    exams_for_learner,
    progress_for_learner,
    running_attempt_in_course,
)
from exams.services.expiry import attempt_refresh
from exams.statuses import IN_PROGRESS


def _learner(request: HttpRequest) -> User:
    assert request.user.is_authenticated  # every page here is login_required
    return request.user


def _course_or_404(request: HttpRequest, course_id: str) -> Course:
    try:
        return access_course_as_learner(request.user, course_id)
    except NotFound:
        raise Http404("No such course.") from None


def _banner(request: HttpRequest, course: Course, *, exclude_exam: Exam | None = None) -> object:
    """The running exam's 'timer keeps running' banner for course pages other than the exam."""
    now = timezone.now()
    running = running_attempt_in_course(course=course, learner_id=request.user.pk or 0)
    if running is not None:
        running = attempt_refresh(running, now=now)
    if running is None or running.status not in IN_PROGRESS:
        return None
    if exclude_exam is not None and running.exam_id == exclude_exam.pk:
        return None
    return {"attempt": attempt_summary(running, now=now), "exam": running.exam}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's courses: where they learn, where they teach, and for support staff
    every course's dashboard."""
    directory = course_directory()
    learning = directory.enrolled_courses(request.user).order_by("course_id")
    teaching = list(directory.staff_course_ids(request.user).order_by("course_id"))
    supporting: list[Course] = []
    if is_support(request.user):
        taught = {course.pk for course in teaching}
        supporting = [c for c in Course.objects.order_by("course_id") if c.pk not in taught]
    context = {"learning": learning, "teaching": teaching, "supporting": supporting}
    return render(request, "exams/home.html", context)


@login_required
@require_GET
def course_home(request: HttpRequest, course_id: str) -> HttpResponse:
    """The course's exams with their state for this learner."""
    course = _course_or_404(request, course_id)
    items = exams_for_learner(course=course, learner=_learner(request), now=timezone.now())
    return render(
        request,
        "exams/course_home.html",
        {"course": course, "items": items, "banner": _banner(request, course)},
    )


@login_required
@require_GET
def exam_page(request: HttpRequest, course_id: str, exam_id: int) -> HttpResponse:
    """One exam, shown by exam type, track and attempt status."""
    course = _course_or_404(request, course_id)
    try:
        exam = access_exam_as_learner(request.user, exam_id)
    except NotFound:
        raise Http404("No such exam.") from None
    if exam.course_id != course.pk:
        raise Http404("No such exam.")
    now = timezone.now()
    learner = _learner(request)
    current = attempt_current(exam=exam, learner_id=learner.pk)
    if current is not None:
        current = attempt_refresh(current, now=now)
    item = exam_for_learner(exam=exam, learner=learner, attempt=current, now=now)
    attempt = item.attempt
    context = {
        "course": course,
        "exam": exam,
        "item": item,
        "attempt": attempt,
        "confirm_opt_out": request.GET.get("confirm") == "opt_out" and "opt_out" in item.offers,
        "banner": _banner(request, course, exclude_exam=exam),
        "just_timed_out": request.GET.get("ended") == "time",
        "in_progress": current is not None and current.status in IN_PROGRESS,
        "proctoring": hooks.proctoring_ui(current) if current is not None else None,
    }
    if current is not None and current.status in IN_PROGRESS:
        context["questions"] = _questions_with_answers(current)
    return render(request, "exams/exam.html", context)


def _questions_with_answers(attempt: Attempt) -> list[dict[str, object]]:
    answers = {a.question_id: a.response for a in attempt.answers.only("question_id", "response")}
    return [
        {
            "question": q,
            "choices": list(q.choices.all()) if q.kind in CHOICE_KINDS else [],
            "answer": answers.get(q.pk),
        }
        for q in questions_with_choices(exam_id=attempt.exam_id)
    ]


@login_required
@require_GET
def progress(request: HttpRequest, course_id: str) -> HttpResponse:
    """Per proctored exam: the proctoring result, the grade and the credit requirement."""
    course = _course_or_404(request, course_id)
    rows = progress_for_learner(course=course, learner=_learner(request), now=timezone.now())
    return render(
        request,
        "exams/progress.html",
        {"course": course, "rows": rows, "banner": _banner(request, course)},
    )
