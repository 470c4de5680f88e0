"""The audit log of staff changes."""

from datetime import datetime
from typing import Any

from exams.lifecycle.history import Actor
from exams.models import AuditLogEntry, Course


def audit(
    *,
    action: str,
    actor: Actor,
    at: datetime,
    course: Course | None,
    learner_id: int | None,
    target: str,
    summary: str,
    details: dict[str, Any] | None = None,
) -> AuditLogEntry:
    """Append one entry to the audit log."""
    return AuditLogEntry.objects.create(
        at=at,
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        course=course,
        learner_id=learner_id,
        target=target[:255],
        summary=summary,
        details=details or {},
    )
