"""The `support` role: Django staff who work in the admin with exactly the permissions they need.

Support staff read courses, exams, enrollments, attempts, their history and the audit log (and
what other apps register, such as proctoring's reviews and deliveries); they manage allowances;
they act on attempts only through admin actions that call the services (the `change`
permission on attempts exists for those actions, the change page itself is read-only).
They never delete attempts through the admin's generic delete: clearing goes through
`exams.services.attempt_clear`.

The group is set up by `python manage.py setup_roles` (and by `seed_demo`), not by a
post-migrate signal: the project has no model signals.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q

from exams import hooks

SUPPORT_GROUP_NAME = "support"

# model name -> the actions support staff may take on it (Django's default model permissions).
SUPPORT_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "course": ("view",),
    "courserole": ("view",),
    "enrollment": ("view",),
    "exam": ("view",),
    "question": ("view",),
    "choice": ("view",),
    "attempt": ("view", "change"),
    "answer": ("view",),  # the read-only answers on an attempt's page
    "attempttransition": ("view",),
    "auditlogentry": ("view",),
    "allowance": ("view", "add", "change", "delete"),
}


def support_permissions() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every permission of the support group: app label -> model -> actions. This app's, and
    what apps above it registered (exams.hooks.register_support_permissions)."""
    return {"exams": SUPPORT_PERMISSIONS, **hooks.support_permissions()}


def support_permission_codenames() -> set[str]:
    """The permissions the support group holds, as "app_label.codename"."""
    return {
        f"{app_label}.{action}_{model}"
        for app_label, models in support_permissions().items()
        for model, actions in models.items()
        for action in actions
    }


@transaction.atomic
def ensure_support_group() -> Group:
    """Create the `support` group, or reset its permissions to exactly the support set.

    Idempotent: running it again changes nothing, and removes any permission added by hand.
    Needs the exams app's permissions to exist (run `migrate` first).
    """
    wanted = support_permission_codenames()
    matches = Q(pk__in=[])
    for name in wanted:
        app_label, codename = name.split(".")
        matches |= Q(content_type__app_label=app_label, codename=codename)
    permissions = list(Permission.objects.filter(matches).select_related("content_type"))
    missing = wanted - {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
    if missing:
        raise ImproperlyConfigured(
            "Permissions missing, run `manage.py migrate` first: " + ", ".join(sorted(missing))
        )
    group, _ = Group.objects.get_or_create(name=SUPPORT_GROUP_NAME)
    group.permissions.set(permissions)
    return group
