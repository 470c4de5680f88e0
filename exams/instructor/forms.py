"""The instructor pages' forms. They only turn posted text into Python values; every rule
(ranges, HH:MM, enrollment, duplicates, proctoring switches) is the services' to check."""

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from exams.models import AllowanceKind, Exam, ExamType
from exams.selectors.staff import proctoring_provider_names

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

ALL_TIMED = "all"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
VALUE_HELP = _(
    "Additional minutes: a whole number (30). Time multiplier: a number above 1 (1.5). "
    "Review exception: what the reviewers must take into account."
)


def _utc_datetime(label: "StrOrPromise", help_text: "StrOrPromise" = "") -> forms.DateTimeField:
    """A date-and-time field read and shown in UTC (the page says so)."""
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


def _exam_choices(exams: list[Exam], *, all_label: str) -> list[tuple[str, str]]:
    return [(ALL_TIMED, all_label)] + [(str(exam.pk), exam.name) for exam in exams]


def exams_chosen(values: list[str] | str, exams: list[Exam]) -> list[Exam | None]:
    """Chosen exam ids back to exams; "all" becomes None (all timed exams)."""
    by_id = {str(exam.pk): exam for exam in exams}
    chosen = [values] if isinstance(values, str) else values
    return [None if value == ALL_TIMED else by_id[value] for value in chosen]


class AllowanceForm(forms.Form):
    learner = forms.CharField(label=_("Learner (username or e-mail)"), max_length=254)
    exam = forms.ChoiceField(label=_("Exam"))
    kind = forms.ChoiceField(label=_("Kind"), choices=AllowanceKind.choices)
    value = forms.CharField(label=_("Value"), max_length=2000, help_text=VALUE_HELP)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expires_at = _utc_datetime(_("Expires (UTC, optional)"))

    def __init__(self, *args: Any, exams: list[Exam], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exam"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _exam_choices(exams, all_label=str(_("All timed exams")))


class AllowanceEditForm(forms.Form):
    value = forms.CharField(label=_("Value"), max_length=2000, help_text=VALUE_HELP)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expires_at = _utc_datetime(_("Expires (UTC, optional)"), _("Leave empty for no expiry."))


class BulkAllowanceForm(forms.Form):
    learners = forms.CharField(
        label=_("Learners (usernames or e-mails)"),
        help_text=_("One per line, or separated by commas."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    exams = forms.MultipleChoiceField(
        label=_("Exams"), widget=forms.CheckboxSelectMultiple, required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AllowanceKind.choices)
    value = forms.CharField(label=_("Value"), max_length=2000, help_text=VALUE_HELP)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expires_at = _utc_datetime(_("Expires (UTC, optional)"))

    def __init__(self, *args: Any, exams: list[Exam], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exams"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = _exam_choices(exams, all_label=str(_("All timed exams")))

    def learner_names(self) -> list[str]:
        return [part for part in re.split(r"[\s,;]+", self.cleaned_data["learners"]) if part]


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), allow_empty_file=True)


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
    due_at = _utc_datetime(_("Due date (UTC, optional)"))
    passing_percent = forms.CharField(
        label=_("Passing score (%)"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    is_graded = forms.BooleanField(label=_("Graded"), required=False)
    is_active = forms.BooleanField(label=_("Active (shown to learners)"), required=False)
