"""The sweeps' health: each beat entry is late once it has not finished for too long.

Beat only publishes; the worker runs the sweeps (expiry, pending callbacks, held reviews,
missing sessions and e-mails, report recovery and purge). When beat dies, nothing fails: the
sweeps just stop. So the worker records each sweep's successful run, and an entry is late when
its last run is older than `SWEEPS_LATE_FACTOR` times its interval plus `SWEEPS_GRACE_SECONDS`.
Beat records when it starts, and an entry is judged from its last run or that start, whichever
is later (beat sends each entry first one interval after it starts); when beat never started
and no sweep ever ran, every entry is late.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import F
from django.utils import timezone

from health.models import BeatStart, SweepRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    entry: str
    task: str
    every_seconds: float
    last_run_at: datetime | None
    late: bool


def interval_seconds(every: Any) -> float | None:
    """A beat entry's interval in seconds; None for a schedule without one (a crontab)."""
    if isinstance(every, timedelta):
        return every.total_seconds()
    if isinstance(every, int | float):
        return float(every)
    return None


def schedule() -> dict[str, tuple[str, float]]:
    """The beat entries: name → (task, interval in seconds). The `health.E001` check refuses a
    schedule without an interval at start, so every entry has one here."""
    return {
        name: (str(entry["task"]), interval_seconds(entry["schedule"]) or 0.0)
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }


def on_beat_init(sender: Any = None, **_: Any) -> None:
    """Celery's beat_init, in the beat process: record the start (never stops beat)."""
    beat_started()


def beat_started(*, now: datetime | None = None) -> None:
    try:
        BeatStart.objects.update_or_create(pk=1, defaults={"started_at": now or timezone.now()})
    except DatabaseError:
        log.warning("could not record the start of beat", exc_info=True)


def on_task_success(sender: Any = None, **_: Any) -> None:
    """Celery's task_success: if the task is a sweep, record its run (never fails the task)."""
    name = getattr(sender, "name", "")
    entries = [
        entry for entry, options in settings.CELERY_BEAT_SCHEDULE.items() if options["task"] == name
    ]
    if entries:
        sweep_ran(entries=entries, task=name)


def sweep_ran(*, entries: list[str], task: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    try:
        for entry in entries:
            updated = SweepRun.objects.filter(entry=entry).update(
                task=task, last_run_at=now, runs=F("runs") + 1
            )
            if not updated:
                SweepRun.objects.get_or_create(
                    entry=entry, defaults={"task": task, "last_run_at": now, "runs": 1}
                )
    except DatabaseError:
        log.warning("could not record the run of %s", task, exc_info=True)


def sweeps_status(*, now: datetime | None = None) -> list[Sweep]:
    """Every beat entry with its last run and whether it is late."""
    now = now or timezone.now()
    runs = {run.entry: run for run in SweepRun.objects.all()}
    started = BeatStart.objects.filter(pk=1).values_list("started_at", flat=True).first()
    grace = timedelta(seconds=settings.SWEEPS_GRACE_SECONDS)
    result = []
    for entry, (task, every) in schedule().items():
        limit = timedelta(seconds=every * settings.SWEEPS_LATE_FACTOR) + grace
        last_run = runs[entry].last_run_at if entry in runs else None
        # Since its last run, or since beat (re)started, whichever is later.
        since = max((t for t in (last_run, started) if t is not None), default=None)
        late = since is None or now - since > limit
        result.append(Sweep(entry, task, every, last_run, late))
    return result
