"""`manage.py setup_roles`: create or reset the `support` group and its permissions.

Run it after `migrate` on every deployment (it is idempotent); add support staff to the group
and give them `is_staff`. There is deliberately no post-migrate signal doing this (the project
has no model signals); `seed_demo` calls it too.
"""

from typing import Any

from django.core.management.base import BaseCommand

from exams.support import ensure_support_group


class Command(BaseCommand):
    help = "Create or reset the 'support' group with exactly the permissions support staff need."

    def handle(self, *args: Any, **options: Any) -> None:
        group = ensure_support_group()
        held = group.permissions.values_list("content_type__app_label", "codename")
        names = sorted(f"{app_label}.{codename}" for app_label, codename in held)
        self.stdout.write(f"Group '{group.name}': {len(names)} permissions")
        for name in names:
            self.stdout.write(f"  {name}")
