"""The allowances page's forms. They only turn posted text into Python values; the value is
parsed for its kind by exams.allowances.inputs, and every rule (enrollment, duplicates, the
expiry) is the services' to check."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from exams.instructor.common import utc_datetime_field
from exams.models import AllowanceKind, Exam

ALL_TIMED = "all"
VALUE_HELP = _(
    "Additional minutes: a whole number (30). Time multiplier: a number above 1 (1.5). "
    "Review exception: what the reviewers must take into account."
)


def _exam_choices(exams: list[Exam], *, all_label: str) -> list[tuple[str, str]]:
    return [(ALL_TIMED, all_label)] + [(str(exam.pk), exam.name) for exam in exams]


def exam_ids(values: list[str] | str) -> list[int | None]:
    """Chosen exam choices back to ids; "all" becomes None (all timed exams)."""
    chosen = [values] if isinstance(values, str) else values
    return [None if value == ALL_TIMED else int(value) for value in chosen]


class _TermsForm(forms.Form):
    """What every allowance form asks: the value (parsed for its kind by
    exams.allowances.inputs), the reason and the expiry."""

    value = forms.CharField(label=_("Value"), max_length=2000, help_text=VALUE_HELP)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expires_at = utc_datetime_field(_("Expires (UTC, optional)"))


class AllowanceForm(_TermsForm):
    learner = forms.CharField(label=_("Learner (username or e-mail)"), max_length=254)
    exam = forms.ChoiceField(label=_("Exam"))
    kind = forms.ChoiceField(label=_("Kind"), choices=AllowanceKind.choices)
    field_order = ["learner", "exam", "kind"]

    def __init__(self, *args: Any, exams: list[Exam], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exam"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _exam_choices(exams, all_label=str(_("All timed exams")))


class AllowanceEditForm(_TermsForm):
    expires_at = utc_datetime_field(_("Expires (UTC, optional)"), _("Leave empty for no expiry."))


class BulkAllowanceForm(_TermsForm):
    learners = forms.CharField(
        label=_("Learners (usernames or e-mails)"),
        help_text=_("One per line, or separated by commas."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    exams = forms.MultipleChoiceField(
        label=_("Exams"), widget=forms.CheckboxSelectMultiple, required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AllowanceKind.choices)
    field_order = ["learners", "exams", "kind"]

    def __init__(self, *args: Any, exams: list[Exam], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exams"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = _exam_choices(exams, all_label=str(_("All timed exams")))

    def learner_names(self) -> list[str]:
        return [part for part in re.split(r"[\s,;]+", self.cleaned_data["learners"]) if part]


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), allow_empty_file=True)
