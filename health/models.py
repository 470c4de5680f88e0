"""When beat last started, and when each sweep of its schedule last finished."""

from django.db import models


class SweepRun(models.Model):
    """One row per beat entry: updated each time its task finishes without an error."""

    entry = models.CharField(max_length=100, primary_key=True)
    task = models.CharField(max_length=200)
    last_run_at = models.DateTimeField()
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.entry} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"


class BeatStart(models.Model):
    """When beat last started (one row, written by beat itself): a sweep that never ran yet is
    judged from here."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"beat started at {self.started_at:%Y-%m-%d %H:%M:%S}"
