"""Print a Dynamic Registration URL for a platform's administrator to paste (one use is
intended; it works for LTI_REGISTRATION_LINK_SECONDS)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from lti.registration import invitation_make


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site-url", required=True, help="This tool's address, e.g. https://exams.example.edu"
        )
        parser.add_argument("--note", default="", help="Who the link is for (kept in the link).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = reverse("lti:register", args=[invitation_make(note=options["note"])])
        self.stdout.write(options["site_url"].rstrip("/") + path)
