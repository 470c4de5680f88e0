"""Small helpers shared by the exams admin modules."""

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def acting_user(request: HttpRequest) -> "User":
    """The staff user behind an admin request (the admin lets only authenticated staff in)."""
    return cast("User", request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that shows records and never adds, changes or deletes them (append-only logs)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
