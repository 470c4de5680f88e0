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
        codenames = sorted(group.permissions.values_list("codename", flat=True))
        self.stdout.write(f"Group '{group.name}': {len(codenames)} permissions")
        for codename in codenames:
            self.stdout.write(f"  exams.{codename}")
