"""`manage.py check`: every beat entry runs at an interval, so that it can be late."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from health.sweeps import interval_seconds


@register()
def check_beat_schedule(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        Error(
            f"Beat entry {name!r} has no interval in seconds ({entry['schedule']!r}): the sweeps'"
            " health check cannot tell when it is late.",
            hint="Give its schedule as seconds or a timedelta.",
            id="health.E001",
        )
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if not interval_seconds(entry["schedule"])
    ]
