"""What the instructor pages share: access, the acting user, showing service errors on forms,
and the date-and-time field read in UTC."""

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest
from django.urls import reverse

from exams.exceptions import DomainError, NotFound
from exams.models import Course
from exams.permissions import access_course_as_staff
from exams.policy import Action

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.utils.functional import _StrOrPromise as StrOrPromise

FILTER_PARAMS = ("q", "exam", "status")
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def utc_datetime_field(
    label: "StrOrPromise", help_text: "StrOrPromise" = ""
) -> forms.DateTimeField:
    """A date-and-time field read and shown in UTC (the page says so)."""
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


def staff_course_or_404(request: HttpRequest, course_id: str, action: Action) -> Course:
    """The course if the user may take `action` in it; else 404 (exists or not)."""
    try:
        return access_course_as_staff(request.user, course_id, action)
    except NotFound:
        raise Http404("No such course.") from None


def acting_user(request: HttpRequest) -> "User":
    """The signed-in user (every instructor page is login_required)."""
    user = request.user
    assert user.is_authenticated
    return user


def add_domain_error(
    form: forms.BaseForm, error: DomainError, fields: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on the field it names (`extra["field"]`, else its code mapped
    through `fields`), or above the form."""
    name = str(error.extra.get("field") or error.code)
    name = (fields or {}).get(name, name)
    form.add_error(name if name in form.fields else None, forms.ValidationError(error.message))


def dashboard_url(course: Course, params: dict[str, str] | None = None) -> str:
    """The dashboard, keeping the search filters (and page) given."""
    url = reverse("exams:instructor-dashboard", args=[course.course_id])
    kept = {k: v for k, v in (params or {}).items() if v}
    return f"{url}?{urlencode(kept)}" if kept else url


def filters_of(request: HttpRequest, *, page: bool = False) -> dict[str, str]:
    """The dashboard's filters in the request's query string (for going back to the list)."""
    names = (*FILTER_PARAMS, "page") if page else FILTER_PARAMS
    return {name: request.GET.get(name, "") for name in names}
