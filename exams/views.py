"""The exams app's HTML pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from exams.integrations import course_directory
from exams.models import Course


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's courses: where they learn and where they teach."""
    learning = Course.objects.filter(
        enrollments__user_id=request.user.pk or 0, enrollments__is_active=True
    ).order_by("course_id")
    teaching = course_directory().staff_course_ids(request.user).order_by("course_id")
    return render(request, "exams/home.html", {"learning": learning, "teaching": teaching})
