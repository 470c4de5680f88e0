"""The `support` role: Django staff who work in the admin with exactly the permissions they need.

Support staff read courses, exams, enrollments, attempts, their history and the audit log; they
manage allowances; they act on attempts only through admin actions that call the services (the
`change` permission on attempts exists for those actions, the change page itself is read-only).
They never delete attempts through the admin's generic delete: clearing goes through
`exams.services.attempt_clear`.

The group is set up by `python manage.py setup_roles` (and by `seed_demo`), not by a
post-migrate signal: the project has no model signals.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

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


def support_permission_codenames() -> set[str]:
    """The codenames (without app label) of every permission the support group holds."""
    return {
        f"{action}_{model}" for model, actions in SUPPORT_PERMISSIONS.items() for action in actions
    }


@transaction.atomic
def ensure_support_group() -> Group:
    """Create the `support` group, or reset its permissions to exactly the support set.

    Idempotent: running it again changes nothing, and removes any permission added by hand.
    Needs the exams app's permissions to exist (run `migrate` first).
    """
    wanted = support_permission_codenames()
    permissions = list(
        Permission.objects.filter(content_type__app_label="exams", codename__in=wanted)
    )
    missing = wanted - {p.codename for p in permissions}
    if missing:
        raise ImproperlyConfigured(
            "Permissions missing, run `manage.py migrate` first: " + ", ".join(sorted(missing))
        )
    group, _ = Group.objects.get_or_create(name=SUPPORT_GROUP_NAME)
    group.permissions.set(permissions)
    return group
