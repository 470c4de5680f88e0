"""Proctoring in the admin: reviews on the attempt page (exams.hooks), read-only records."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from exams import hooks
from proctoring.models import CallbackDelivery, ProviderExam, ProviderSession, Review


class ReadOnlyMixin:
    """Records that are written by the system only."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReviewInline(ReadOnlyMixin, admin.TabularInline):
    model = Review
    fk_name = "attempt"
    fields = (
        "reviewed_at",
        "provider",
        "verdict",
        "result",
        "flags_list",
        "comments",
        "review_link",
        "is_applied",
        "not_applied_reason",
        "decided_by",
        "emailed_at",
    )
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("Reviews (newest first)")

    @admin.display(description=_("Flags"))
    def flags_list(self, review: Review) -> str:
        return "; ".join(str(flag) for flag in review.flags) or "—"

    @admin.display(description=_("Provider's review"))
    def review_link(self, review: Review) -> str:
        return review_link(review)


def review_link(review: Review) -> str:
    """A link to the provider's page for the review (opens the vendor's site), or a dash."""
    if not review.review_url.startswith(("https://", "http://")):
        return "—"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
        review.review_url,
        _("Open the provider's review"),
    )


hooks.register_attempt_inline(ReviewInline)


@admin.register(Review)
class ReviewAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "attempt_code",
        "provider",
        "verdict",
        "result",
        "is_applied",
        "not_applied_reason",
        "reviewed_at",
        "received_at",
    )
    list_filter = ("provider", "result", "is_applied")
    search_fields = ("attempt_code",)
    date_hierarchy = "received_at"
    readonly_fields = ("provider_review",)

    @admin.display(description=_("Provider's review"))
    def provider_review(self, review: Review) -> str:
        return review_link(review)


@admin.register(CallbackDelivery)
class CallbackDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "received_at",
        "provider",
        "delivery_id",
        "event",
        "attempt_code",
        "status",
        "outcome",
    )
    list_filter = ("provider", "status", "event", "outcome")
    search_fields = ("attempt_code", "delivery_id")
    date_hierarchy = "received_at"


@admin.register(ProviderSession)
class ProviderSessionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("attempt_code", "provider", "external_id", "opened_at", "last_heartbeat_at")
    list_filter = ("provider",)
    search_fields = ("attempt_code", "external_id")


@admin.register(ProviderExam)
class ProviderExamAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("exam", "provider", "external_id", "registered_at")
    list_filter = ("provider",)
