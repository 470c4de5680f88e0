"""Courses, enrollments and course roles in the admin (the host-LMS side of the app).

Enrollments and roles have their own lists (a course can have thousands of learners), with
autocomplete widgets instead of selects that would load every user.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from exams.models import Course, CourseRole, Enrollment


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = (
        "course_id",
        "name",
        "proctored_exams_enabled",
        "allow_opting_out",
        "proctoring_provider",
    )
    list_filter = ("proctored_exams_enabled", "proctoring_provider")
    search_fields = ("course_id", "name")
    readonly_fields = ("created", "modified")


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("user", "user_email", "course", "mode", "is_active", "created")
    list_select_related = ("user", "course")
    list_filter = ("course", "mode", "is_active")
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user", "course")
    readonly_fields = ("created", "modified")

    @admin.display(description=_("E-mail"), ordering="user__email")
    def user_email(self, enrollment: Enrollment) -> str:
        return enrollment.user.email


@admin.register(CourseRole)
class CourseRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "role", "created")
    list_select_related = ("user", "course")
    list_filter = ("course", "role")
    search_fields = ("user__username", "user__email", "course__course_id")
    autocomplete_fields = ("user", "course")
    readonly_fields = ("created", "modified")
