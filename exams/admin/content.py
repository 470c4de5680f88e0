"""Exams and their questions in the admin: the course team's content, edited by superusers.

Support staff only read these pages. An exam's course is set when it is made and cannot be
changed after (its attempts and allowances belong to that course). The exam form refuses,
with a clear message, what the database would refuse with a bare constraint name: proctored
types in a course with proctoring disabled, and special exams without a time allotted.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from exams import timing
from exams.models import Choice, Exam, ExamType, Question
from exams.models.exams import PROCTORED_TYPES


class ExamAdminForm(forms.ModelForm):
    class Meta:
        model = Exam
        fields = (
            "course",
            "name",
            "exam_type",
            "time_limit_minutes",
            "due_at",
            "review_rules",
            "is_graded",
            "passing_percent",
            "is_active",
            "position",
        )

    def clean_due_at(self) -> Any:
        due_at = self.cleaned_data.get("due_at")
        if due_at is not None and timing.accepted_utc(due_at) is None:
            raise forms.ValidationError(
                _("Give a due date between the years 2000 and 2999 (UTC)."), code="invalid_date"
            )
        return due_at

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        exam_type = cleaned.get("exam_type")
        # The course is read-only on an existing exam (its attempts keep it), so not cleaned.
        course = cleaned.get("course") or (self.instance.course if self.instance.pk else None)
        if exam_type in PROCTORED_TYPES and course and not course.proctored_exams_enabled:
            self.add_error(
                "exam_type",
                _(
                    "Proctored and practice exams need Enable Proctored Exams in the course "
                    "settings of %(course)s."
                )
                % {"course": course.course_id},
            )
        if exam_type not in (None, ExamType.NONE) and not cleaned.get("time_limit_minutes"):
            self.add_error("time_limit_minutes", _("Every special exam needs a time allotted."))
        return cleaned


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ("position", "kind", "prompt", "points")
    extra = 0
    show_change_link = True  # choices and answers are edited on the question's own page


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    form = ExamAdminForm
    list_display = (
        "name",
        "course",
        "exam_type",
        "time_limit_minutes",
        "due_at",
        "is_graded",
        "is_active",
        "position",
    )
    list_select_related = ("course",)
    list_filter = ("course", "exam_type", "is_active")
    search_fields = ("name", "course__course_id")
    autocomplete_fields = ("course",)
    readonly_fields = ("created", "modified")
    inlines = (QuestionInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Exam | None = None) -> tuple[str, ...]:
        """An exam's course is chosen when it is made and never changes after."""
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if obj is None else (*fields, "course")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Exam], search_term: str
    ) -> tuple[QuerySet[Exam], bool]:
        """For the allowance form's exam autocomplete, offer special exams only."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "allowance":
            queryset = queryset.exclude(exam_type=ExamType.NONE)
        return queryset, may_have_duplicates


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ("position", "text", "is_correct")
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("prompt_short", "exam", "position", "kind", "points")
    list_select_related = ("exam",)
    list_filter = ("exam__course", "kind")
    search_fields = ("prompt", "exam__name")
    autocomplete_fields = ("exam",)
    inlines = (ChoiceInline,)

    @admin.display(description=_("Prompt"), ordering="prompt")
    def prompt_short(self, question: Question) -> str:
        return str(question)
