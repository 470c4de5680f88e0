"""Make a new signing key; the previous one stays in the JWKS for LTI_KEY_GRACE_SECONDS."""

from typing import Any

from django.core.management.base import BaseCommand

from lti.keys import key_rotate


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        key = key_rotate()
        self.stdout.write(f"New signing key {key.kid}; retired keys stay in /lti/jwks/ a while.")
