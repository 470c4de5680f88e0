"""A report job's lifecycle: queued → running → done | failed; failed jobs may be retried, and a
job whose worker died goes back to queued."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from exams.exceptions import IllegalTransition


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


J = JobStatus

MOVES: dict[JobStatus, frozenset[JobStatus]] = {
    J.QUEUED: frozenset({J.RUNNING, J.FAILED}),
    J.RUNNING: frozenset({J.DONE, J.FAILED, J.QUEUED}),  # queued again: its worker died
    J.DONE: frozenset(),
    J.FAILED: frozenset({J.QUEUED}),  # retried by a person
}

PENDING = frozenset({J.QUEUED, J.RUNNING})


def check_transition(current: str, target: str) -> None:
    if JobStatus(target) not in MOVES[JobStatus(current)]:
        raise IllegalTransition(current=current, target=target)
