"""Who may see reports: the `reports.build` action of exams.policy, which only the course's own
staff take (the files hold personal data)."""

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from exams.exceptions import NotFound
from exams.models import Course
from exams.policy import Action, may
from reports.models import ReportJob


def access_course_reports(user: User | AnonymousUser, course_id: str) -> Course:
    """The course, if the user is its course staff; NotFound otherwise (and if it is missing)."""
    course = Course.objects.filter(course_id=course_id).first()
    if course is None or not may(user, Action.REPORTS_BUILD, course):
        raise NotFound(_("No such course."))
    return course


def access_report_job(user: User | AnonymousUser, job_id: int) -> ReportJob:
    """The job, if the user is course staff of its course; NotFound otherwise.

    A job that does not exist and one of another course get the same answer, so its
    number tells nothing about the courses a user cannot see.
    """
    job = ReportJob.objects.select_related("course").filter(pk=job_id).first()
    if job is None or not may(user, Action.REPORTS_BUILD, job.course):
        raise NotFound(_("No such report."))
    return job
