"""Registrations in the admin: platforms with their deployments, and the tool's keys (read
only: rotate them with `manage.py lti_rotate_key`). Launched courses and users are listed
for support."""

from django.contrib import admin

from lti.models import (
    Deployment,
    GradeSync,
    LaunchContext,
    LaunchUser,
    Platform,
    ResourceLink,
    ToolKey,
)


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1
    fields = ("deployment_id", "created")
    readonly_fields = ("created",)


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer", "client_id", "is_active", "created")
    list_filter = ("is_active",)
    search_fields = ("name", "issuer", "client_id")
    readonly_fields = ("created", "modified")
    inlines = [DeploymentInline]


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    list_display = ("kid", "created", "retired_at")
    fields = ("kid", "public_key", "created", "retired_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(LaunchContext)
class LaunchContextAdmin(admin.ModelAdmin):
    list_display = (
        "context_id",
        "course",
        "deployment",
        "learner_track",
        "unsatisfactory_grade",
        "created",
    )
    list_select_related = ("course", "deployment__platform")
    list_filter = ("learner_track", "deployment__platform")
    search_fields = ("context_id", "course__course_id", "course__name")
    fields = (
        "deployment",
        "context_id",
        "course",
        "learner_track",
        "unsatisfactory_grade",
        "created",
        "modified",
    )
    readonly_fields = ("deployment", "context_id", "course", "created", "modified")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(LaunchUser)
class LaunchUserAdmin(admin.ModelAdmin):
    list_display = ("sub", "issuer", "user", "created")
    list_select_related = ("user",)
    search_fields = ("sub", "user__username", "user__email")
    readonly_fields = ("issuer", "sub", "user", "created", "modified")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ResourceLink)
class ResourceLinkAdmin(admin.ModelAdmin):
    list_display = ("resource_link_id", "exam", "deployment", "lineitem", "created")
    list_select_related = ("exam", "deployment__platform")
    search_fields = ("resource_link_id", "exam__name", "lineitem")
    readonly_fields = ("deployment", "resource_link_id", "exam", "lineitem", "scopes", "created")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(GradeSync)
class GradeSyncAdmin(admin.ModelAdmin):
    """Grades posted to platforms, and those still waiting with the reason of the last
    failure (they are tried again by the beat sweep)."""

    list_display = (
        "attempt",
        "revision",
        "grading_progress",
        "score_given",
        "state",
        "tries",
        "next_try_at",
        "short_error",
    )
    list_filter = ("state", "grading_progress")
    search_fields = ("user_sub", "attempt__learner__username", "attempt__learner__email")
    readonly_fields = [field.name for field in GradeSync._meta.fields]

    @admin.display(description="last error")
    def short_error(self, row: GradeSync) -> str:
        return row.last_error[:120]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
