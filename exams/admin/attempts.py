"""Attempts in the admin: read-only pages, and actions that call the attempt services.

Support staff never edit an attempt: every field is read-only and saving the page changes
nothing. They clear attempts (with a confirmation page), let an errored learner resume, and
settle a second review (through the app that records reviews, exams.hooks), each through its
service; a refusal is reported per attempt as a warning. The generic delete is off: clearing
is the way to remove an attempt, and it leaves an audit entry.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from exams import hooks
from exams.admin.common import acting_user
from exams.exceptions import DomainError
from exams.models import CHOICE_KINDS, Answer, Attempt, AttemptTransition
from exams.policy import Action, support_may
from exams.services import attempt_clear, attempt_resume
from exams.statuses import AttemptStatus

S = AttemptStatus


class AttemptTransitionInline(admin.TabularInline):
    """The attempt's history, oldest first. Append-only: shown, never edited."""

    model = AttemptTransition
    fields = ("at", "kind", "from_status", "to_status", "deadline_at", "actor", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("History")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AttemptTransition]:
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class AnswerInline(admin.TabularInline):
    """The learner's saved answers, as the learner gave them: the question and the chosen
    options' texts. Shown, never edited."""

    model = Answer
    fields = ("question_prompt", "given", "points_awarded", "modified")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Answer]:
        return (
            super()
            .get_queryset(request)
            .select_related("question")
            .prefetch_related("question__choices")
            .order_by("question__position", "question_id")
        )

    @admin.display(description=_("Question"))
    def question_prompt(self, answer: Answer) -> str:
        return answer.question.prompt

    @admin.display(description=_("Answer given"))
    def given(self, answer: Answer) -> str:
        """Choice questions: the chosen options' texts; others: what the learner typed."""
        if answer.question.kind in CHOICE_KINDS:
            chosen = set(answer.response) if isinstance(answer.response, list) else set()
            texts = [c.text for c in answer.question.choices.all() if c.pk in chosen]
            return "; ".join(texts) or "—"
        return str(answer.response) if answer.response not in (None, "") else "—"

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = (
        "attempt_code",
        "learner_username",
        "exam",
        "status",
        "started_at",
        "deadline_at",
        "completed_at",
        "allowed_minutes",
    )
    list_select_related = ("learner", "exam__course")
    list_filter = (
        ("course", admin.RelatedOnlyFieldListFilter),
        "exam",
        "status",
        "taking_as_proctored",
        "is_sample_attempt",
    )
    search_fields = ("learner__username", "learner__email", "=attempt_code")
    date_hierarchy = "created"
    inlines = (AttemptTransitionInline, AnswerInline)
    actions = ("clear_attempts", "resume_attempts", "review_satisfactory", "review_unsatisfactory")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "attempt_code",
                    "learner_label",
                    "exam",
                    "course",
                    "status",
                    "taking_as_proctored",
                    "is_sample_attempt",
                    "language",
                )
            },
        ),
        (
            _("Time"),
            {
                "fields": (
                    "created",
                    "started_at",
                    "deadline_at",
                    "completed_at",
                    "allowed_minutes",
                    "cut_by_due_date",
                    "paused_remaining_seconds",
                )
            },
        ),
        (_("Result"), {"fields": ("points_earned", "points_possible", "graded_at")}),
        (_("Proctoring"), {"fields": ("external_id",)}),
    )

    @admin.display(description=_("Learner"), ordering="learner__username")
    def learner_username(self, attempt: Attempt) -> str:
        return attempt.learner.get_username()

    @admin.display(description=_("Learner"))
    def learner_label(self, attempt: Attempt) -> str:
        return f"{attempt.learner.get_username()} <{attempt.learner.email}>"

    @admin.display(description=_("Course"))
    def course(self, attempt: Attempt) -> str:
        return str(attempt.exam.course)

    @admin.display(description=_("Allowed minutes"), ordering="allowed_seconds")
    def allowed_minutes(self, attempt: Attempt) -> str:
        if attempt.allowed_seconds is None:
            return "-"
        return f"{attempt.allowed_seconds / 60:g}"

    def get_readonly_fields(self, request: HttpRequest, obj: Attempt | None = None) -> Any:
        """Every field: an attempt changes only through the services."""
        return flatten_fieldsets(self.fieldsets)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # learners create attempts by opening an exam

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # clearing (an action, through the service) is the way to remove one

    def save_model(self, request: HttpRequest, obj: Attempt, form: Any, change: Any) -> None:
        """Never save an attempt from its page; the fields are read-only anyway."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: Any) -> None:
        """Never save the history or answers from the attempt's page."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    @admin.action(
        permissions=["change"],
        description=_("Clear selected attempts (removes all answers, cannot be undone)"),
    )
    def clear_attempts(
        self, request: HttpRequest, queryset: QuerySet[Attempt]
    ) -> TemplateResponse | None:
        if request.POST.get("post") != "yes":
            return self._confirm_clear(request, queryset)
        actor = acting_user(request)
        cleared = 0
        for attempt in queryset.select_related("learner"):
            try:
                gone = not attempt_clear(attempt_id=attempt.pk, actor=actor)
            except DomainError as error:
                self._warn(request, attempt, error.message)
                continue
            if gone:
                self._warn(request, attempt, _("it had already been cleared."))
            else:
                cleared += 1
        if cleared:
            self.message_user(
                request,
                ngettext(
                    "Cleared %(count)d attempt(s); the learners can start again from the "
                    "beginning.",
                    "Cleared %(count)d attempt(s); the learners can start again from the "
                    "beginning.",
                    cleared,
                )
                % {"count": cleared},
                messages.SUCCESS,
            )
        return None

    def _confirm_clear(self, request: HttpRequest, queryset: QuerySet[Attempt]) -> TemplateResponse:
        attempts = list(queryset.select_related("learner", "exam"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Clear attempts?"),
            "subtitle": None,
            "attempts": attempts,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_name": "clear_attempts",
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/exams/attempt/clear_confirmation.html", context)

    @admin.action(
        permissions=["change"], description=_("Let the learner resume (errored attempts)")
    )
    def resume_attempts(self, request: HttpRequest, queryset: QuerySet[Attempt]) -> None:
        actor = acting_user(request)
        for attempt in queryset.select_related("learner"):
            try:
                resumed = attempt_resume(attempt_id=attempt.pk, actor=actor)
            except DomainError as error:
                self._warn(request, attempt, error.message)
                continue
            if attempt.status != S.ERROR:
                # The service returns an attempt it already resumed unchanged.
                self._warn(request, attempt, _("it was already resumed; nothing changed."))
                continue
            self._done(
                request,
                attempt,
                _("the learner can go on (status now: %(status)s).")
                % {"status": resumed.get_status_display()},
            )
        return None

    @admin.action(
        permissions=["change"], description=_("Mark second review: Satisfactory (verified)")
    )
    def review_satisfactory(self, request: HttpRequest, queryset: QuerySet[Attempt]) -> None:
        self._settle_reviews(request, queryset, S.VERIFIED)

    @admin.action(
        permissions=["change"], description=_("Mark second review: Unsatisfactory (rejected)")
    )
    def review_unsatisfactory(self, request: HttpRequest, queryset: QuerySet[Attempt]) -> None:
        self._settle_reviews(request, queryset, S.REJECTED)

    def _settle_reviews(
        self, request: HttpRequest, queryset: QuerySet[Attempt], result: AttemptStatus
    ) -> None:
        actor = acting_user(request)
        for attempt in queryset.select_related("learner"):
            try:
                hooks.hand_review(attempt_id=attempt.pk, result=result, actor=actor)
            except DomainError as error:
                self._warn(request, attempt, error.message)
                continue
            self._done(
                request,
                attempt,
                _("review result %(result)s recorded.") % {"result": AttemptStatus(result).label},
            )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """The hand review actions only where an app settles reviews (exams.hooks), for those
        the action policy lets settle them."""
        actions = super().get_actions(request)
        if not (hooks.hand_review_available() and support_may(request.user, Action.REVIEWS_SETTLE)):
            actions.pop("review_satisfactory", None)
            actions.pop("review_unsatisfactory", None)
        return actions

    def get_inlines(self, request: HttpRequest, obj: Model | None) -> Any:
        return (*self.inlines, *hooks.attempt_inlines())

    def _warn(self, request: HttpRequest, attempt: Attempt, text: Any) -> None:
        self._report(request, attempt, text, messages.WARNING)

    def _done(self, request: HttpRequest, attempt: Attempt, text: Any) -> None:
        self._report(request, attempt, text, messages.SUCCESS)

    def _report(self, request: HttpRequest, attempt: Attempt, text: Any, level: int) -> None:
        self.message_user(
            request,
            _("Attempt %(code)s of %(learner)s: %(text)s")
            % {
                "code": attempt.attempt_code,
                "learner": attempt.learner.get_username(),
                "text": text,
            },
            level,
        )
