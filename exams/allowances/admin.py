"""Allowances in the admin: support staff grant, change and revoke them through the services.

The add and change forms call the service while the form is validated: that is the last point at
which the admin can still show a refusal (a DomainError) as a form error instead of a 500. The
admin runs the whole view in one transaction and each service runs in a savepoint of its own, so
a refused grant leaves nothing behind. Afterwards `save_model` has nothing left to do: the admin
never calls `Allowance.save()` itself.
"""

from contextlib import suppress
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from exams.admin.common import acting_user
from exams.allowances.batch import learner_resolve_one
from exams.allowances.forms import VALUE_HELP
from exams.allowances.inputs import AllowanceValue, value_text
from exams.allowances.services import allowance_grant, allowance_revoke, allowance_update
from exams.exceptions import DomainError, NotEnrolled, NotFound
from exams.models import Allowance, Exam, ExamType

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Where a service's error belongs on the form: by the error's `field`, else by its code.
_FORM_FIELD = {"learner": "learner_identifier"}
_FIELD_OF_CODE = {NotEnrolled.code: "learner_identifier"}


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the form field it concerns, or above the form."""
    field = str(error.extra.get("field") or _FIELD_OF_CODE.get(error.code) or "")
    field = _FORM_FIELD.get(field, field)
    form.add_error(
        field if field in form.fields else None,
        forms.ValidationError(error.message, code=error.code),
    )


def label_expiry_inputs(form: forms.BaseForm) -> None:
    """The admin shows the expiry as two inputs (date, time) under one label: name each."""
    field = form.fields.get("expires_at")
    widgets = getattr(field.widget, "widgets", None) if field is not None else None
    if widgets and len(widgets) == 2:
        widgets[0].attrs["aria-label"] = _("Expires at: date")
        widgets[1].attrs["aria-label"] = _("Expires at: time")


def _value_field() -> forms.CharField:
    return forms.CharField(
        label=_("Value"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=VALUE_HELP,
    )


class AllowanceAddForm(forms.ModelForm):
    """Grant one allowance to a learner found by username or e-mail (`allowance_grant`)."""

    learner_identifier = forms.CharField(
        label=_("Learner (username or e-mail)"), max_length=254, strip=True
    )
    value = _value_field()

    # The user granting the allowance; AllowanceAdmin.get_form sets it per request.
    actor: "User | None" = None

    class Meta:
        model = Allowance
        fields = ("course", "exam", "kind", "reason", "expires_at")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.result: Allowance | None = None
        label_expiry_inputs(self)
        if "exam" in self.fields:
            exam_field = self.fields["exam"]
            assert isinstance(exam_field, forms.ModelChoiceField)
            exam_field.queryset = Exam.objects.exclude(exam_type=ExamType.NONE)
            exam_field.label = _("Exam (empty: all timed exams of the course)")

    def clean_learner_identifier(self) -> Any:
        try:
            return learner_resolve_one(self.cleaned_data["learner_identifier"])
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            self.result = allowance_grant(
                course=cleaned["course"],
                learner=cleaned["learner_identifier"],
                exam=cleaned.get("exam"),
                value=AllowanceValue.parse(cleaned["kind"], cleaned["value"]),
                reason=cleaned.get("reason") or "",
                expires_at=cleaned.get("expires_at"),
                granted_by=self.actor,
            )
        except DomainError as error:
            add_domain_error(self, error)
        return cleaned


class AllowanceChangeForm(forms.ModelForm):
    """Change an allowance's value, reason or expiry (`allowance_update`)."""

    value = _value_field()

    actor: "User | None" = None

    class Meta:
        model = Allowance
        fields = ("reason", "expires_at")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.result: Allowance | None = None
        label_expiry_inputs(self)
        self.fields["value"].initial = value_text(self.instance)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        if not self.has_changed():
            self.result = self.instance
            return cleaned
        try:
            self.result = allowance_update(
                allowance_id=self.instance.pk,
                value=AllowanceValue.parse(self.instance.kind, cleaned["value"]),
                reason=cleaned.get("reason") or "",
                expires_at=cleaned.get("expires_at"),
                actor=self.actor,
            )
        except DomainError as error:
            add_domain_error(self, error)
        return cleaned


@admin.register(Allowance)
class AllowanceAdmin(admin.ModelAdmin):
    list_display = (
        "learner_username",
        "learner_email",
        "course",
        "scope",
        "kind",
        "value_display",
        "reason_short",
        "granted_by",
        "created",
        "expires_at",
    )
    list_select_related = ("learner", "course", "exam", "granted_by")
    list_filter = ("course", "kind")
    search_fields = ("learner__username", "learner__email")
    autocomplete_fields = ("course", "exam")
    ordering = ("-created", "-id")

    add_form = AllowanceAddForm
    form = AllowanceChangeForm
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "learner_identifier",
                    "course",
                    "exam",
                    "kind",
                    "value",
                    "reason",
                    "expires_at",
                )
            },
        ),
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "learner_label",
                    "course",
                    "scope",
                    "kind",
                    "value",
                    "reason",
                    "expires_at",
                )
            },
        ),
        (_("Record"), {"fields": ("granted_by", "created", "modified")}),
    )
    change_readonly_fields = (
        "learner_label",
        "course",
        "scope",
        "kind",
        "granted_by",
        "created",
        "modified",
    )

    @admin.display(description=_("Username"), ordering="learner__username")
    def learner_username(self, allowance: Allowance) -> str:
        return allowance.learner.get_username()

    @admin.display(description=_("E-mail"), ordering="learner__email")
    def learner_email(self, allowance: Allowance) -> str:
        return allowance.learner.email

    @admin.display(description=_("Learner"))
    def learner_label(self, allowance: Allowance) -> str:
        return f"{allowance.learner.get_username()} <{allowance.learner.email}>"

    @admin.display(description=_("Exam"), ordering="exam__name")
    def scope(self, allowance: Allowance) -> str:
        return allowance.exam.name if allowance.exam else str(_("All timed exams"))

    @admin.display(description=_("Value"))
    def value_display(self, allowance: Allowance) -> str:
        return allowance.value_display

    @admin.display(description=_("Reason"))
    def reason_short(self, allowance: Allowance) -> str:
        return Truncator(allowance.reason).chars(60)

    def get_fieldsets(self, request: HttpRequest, obj: Allowance | None = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Allowance | None = None) -> Any:
        return () if obj is None else self.change_readonly_fields

    def get_form(
        self,
        request: HttpRequest,
        obj: Allowance | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        kwargs["form"] = self.add_form if obj is None else self.form
        form = super().get_form(request, obj, change=change, **kwargs)
        # The form calls the service, which records who acted.
        return type(form.__name__, (form,), {"actor": acting_user(request)})

    def save_form(self, request: HttpRequest, form: Any, change: Any) -> Any:
        """The form's service call already saved the allowance; hand it to the admin."""
        return form.result

    def save_model(self, request: HttpRequest, obj: Allowance, form: Any, change: Any) -> None:
        """Nothing to do: the service saved the allowance (and wrote the audit entry)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: Any) -> None:
        """Nothing to do: allowances have no many-to-many fields or inlines."""

    def delete_model(self, request: HttpRequest, obj: Allowance) -> None:
        """Revoke through the service, which writes the audit entry."""
        _revoke(obj.pk, request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Allowance]) -> None:
        """Revoke each selected allowance through the service."""
        for allowance_id in queryset.values_list("pk", flat=True):
            _revoke(allowance_id, request)


def _revoke(allowance_id: int, request: HttpRequest) -> None:
    # Revoked meanwhile (a second tab, an instructor): the outcome is the same.
    with suppress(NotFound):
        allowance_revoke(allowance_id=allowance_id, actor=acting_user(request))
