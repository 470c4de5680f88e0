"""Register an LTI 1.3 platform (or update it), with its deployment ids."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lti.models import Deployment, Platform


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--auth-login-url", required=True)
        parser.add_argument("--auth-token-url", required=True)
        parser.add_argument("--key-set-url", required=True)
        parser.add_argument("--audience", default="")
        parser.add_argument(
            "--deployment", action="append", required=True, help="A deployment id (repeatable)."
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        platform = Platform.objects.filter(
            issuer=options["issuer"], client_id=options["client_id"]
        ).first() or Platform(issuer=options["issuer"], client_id=options["client_id"])
        platform.name = options["name"]
        platform.auth_login_url = options["auth_login_url"]
        platform.auth_token_url = options["auth_token_url"]
        platform.key_set_url = options["key_set_url"]
        platform.auth_audience = options["audience"]
        platform.is_active = True
        try:
            platform.full_clean(validate_unique=False)
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        platform.save()
        for deployment_id in options["deployment"]:
            Deployment.objects.get_or_create(platform=platform, deployment_id=deployment_id)
        self.stdout.write(f"Registered {platform}: deployments {', '.join(options['deployment'])}.")
