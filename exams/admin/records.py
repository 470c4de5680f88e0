"""The append-only records in the admin: the audit log and attempts' status history.

Nobody adds, changes or deletes them here, superusers included.
"""

from django.contrib import admin

from exams.admin.common import ReadOnlyAdmin
from exams.models import AttemptTransition, AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "actor", "learner", "course", "target", "summary")
    list_select_related = ("actor", "learner", "course")
    list_filter = ("action", "course")
    search_fields = ("learner__username", "learner__email", "actor__username", "target")
    date_hierarchy = "at"


@admin.register(AttemptTransition)
class AttemptTransitionAdmin(ReadOnlyAdmin):
    list_display = ("at", "attempt_code", "kind", "from_status", "to_status", "actor", "reason")
    list_select_related = ("actor",)
    list_filter = ("kind", "to_status")
    search_fields = ("=attempt_code", "actor__username", "attempt__learner__username")
    date_hierarchy = "at"
