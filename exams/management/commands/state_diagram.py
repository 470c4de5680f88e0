"""Write docs/state-diagram.md from the table of moves, or check that it is up to date."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exams.lifecycle.diagram import render


class Command(BaseCommand):
    help = "Write the attempt state diagram from the table of moves (--check: fail if stale)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default="docs/state-diagram.md")
        parser.add_argument("--check", action="store_true", help="Exit 1 if the file is stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        text = render()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is stale: run manage.py state_diagram")
            self.stdout.write(f"{path} is up to date.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
