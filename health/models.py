"""When each sweep of the beat schedule last finished, as the worker saw it."""

from django.db import models


class SweepRun(models.Model):
    """One row per beat entry: updated each time its task finishes without an error."""

    entry = models.CharField(max_length=100, primary_key=True)
    task = models.CharField(max_length=200)
    last_run_at = models.DateTimeField()
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.entry} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"
