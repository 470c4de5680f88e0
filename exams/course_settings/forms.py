"""The settings page's forms. They only turn posted text into Python values; the typed
changes (exams.course_settings.inputs) parse HH:MM and the pass mark, and the services check
every rule against what is stored."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from exams.instructor.common import utc_datetime_field
from exams.models import ExamType
from exams.selectors.staff import proctoring_provider_names


class CourseSettingsForm(forms.Form):
    proctored_exams_enabled = forms.BooleanField(
        label=_("Enable Proctored Exams"),
        required=False,
        help_text=_("Allows proctored and practice proctored exams in this course."),
    )
    allow_opting_out = forms.BooleanField(
        label=_("Allow Opting Out of Proctored Exams"),
        required=False,
        help_text=_("Verified learners may take proctored exams as open exams (no credit)."),
    )
    proctoring_provider = forms.ChoiceField(label=_("Proctoring provider"))

    def __init__(self, *args: Any, current_provider: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = proctoring_provider_names()
        if current_provider not in names:
            names = [current_provider, *names]
        field = self.fields["proctoring_provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in names]


class ExamSettingsForm(forms.Form):
    exam_type = forms.ChoiceField(label=_("Special exam type"), choices=ExamType.choices)
    time_allotted = forms.CharField(
        label=_("Time Allotted (HH:MM)"),
        required=False,
        max_length=10,
        help_text=_("For example 01:30. Proctored exams are always timed."),
    )
    review_rules = forms.CharField(
        label=_("Review Rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to learners and sent to the reviewers."),
    )
    due_at = utc_datetime_field(_("Due date (UTC, optional)"))
    passing_percent = forms.CharField(
        label=_("Passing score (%)"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    is_graded = forms.BooleanField(label=_("Graded"), required=False)
    is_active = forms.BooleanField(label=_("Active (shown to learners)"), required=False)
