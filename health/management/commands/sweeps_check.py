"""`manage.py sweeps_check`: exit 1 when a sweep is late (beat stopped); for a monitor."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from health.sweeps import sweeps_status


class Command(BaseCommand):
    help = "Check that every periodic sweep (Celery beat's schedule) ran recently."

    def handle(self, *args: Any, **options: Any) -> None:
        status = sweeps_status()
        for sweep in status:
            when = sweep.last_run_at.isoformat() if sweep.last_run_at else "never"
            state = "LATE" if sweep.late else "ok"
            self.stdout.write(
                f"{state:4}  {sweep.entry} (every {sweep.every_seconds:g} s): last run {when}"
            )
        late = [sweep.entry for sweep in status if sweep.late]
        if late:
            raise CommandError(
                f"late sweeps: {', '.join(late)}. Is `celery -A settings beat` running?"
            )
