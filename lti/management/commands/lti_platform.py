"""Register an LTI 1.3 platform (or update it), with its deployment ids; optionally attach a
platform course (context id) to an existing course here instead of a new one."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from exams.models import Course
from lti.models import Deployment, LaunchContext, Platform


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
        parser.add_argument(
            "--attach",
            action="append",
            default=[],
            metavar="CONTEXT_ID=COURSE_ID",
            help="Launches from this context (of the first deployment) open this existing "
            "course (repeatable).",
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
        deployments = [
            Deployment.objects.get_or_create(platform=platform, deployment_id=deployment_id)[0]
            for deployment_id in options["deployment"]
        ]
        for pair in options["attach"]:
            context_id, _, course_id = pair.partition("=")
            course = Course.objects.filter(course_id=course_id).first()
            if not context_id or course is None:
                raise CommandError(f"--attach {pair}: give CONTEXT_ID=COURSE_ID of a course here.")
            LaunchContext.objects.update_or_create(
                deployment=deployments[0], context_id=context_id, defaults={"course": course}
            )
        self.stdout.write(f"Registered {platform}: deployments {', '.join(options['deployment'])}.")
