"""Grades back to the platform (LTI Assignment and Grade Services), through an outbox.

When an attempt reaches a status that means something to a gradebook, `grades_record` writes
one `GradeSync` row per line item the learner launched it from, keyed by (attempt, status,
link): a replayed review or a second run records nothing new. `grades_send_due` posts the rows
in the order they were made, through pylti1p3 (its client-credentials token, signed with the
tool's key, and its score POST); a failure is kept with its reason and tried again later with
a growing delay, so a platform that is down gets its grades when it is back. An older row
still waiting when a newer one exists is superseded: a gradebook must never go back from
FullyGraded to PendingManual because a retry came late.

The grade follows proctoring: while a review is pending (or a second review is asked), the
platform hears Submitted / PendingManual with no score; after a Satisfactory review, the score
as FullyGraded; after an Unsatisfactory one, 0 as FullyGraded or PendingManual, as the course
chose. An attempt taken without proctoring is FullyGraded when it ends.
"""

import logging
from datetime import datetime, timedelta
from decimal import Decimal

import requests
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade

from exams.models import Attempt
from exams.statuses import AttemptStatus
from lti.models import (
    GradeSync,
    LaunchContext,
    LaunchUser,
    ResourceLaunch,
    ResourceLink,
    SyncState,
    UnsatisfactoryGrade,
)
from lti.tool_conf import ServiceConnector, TimeoutSession, registration_of

log = logging.getLogger(__name__)

S = AttemptStatus
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MAX_DELAY = timedelta(hours=1)
RECORD_BATCH = 500
# The statuses that mean something to a gradebook (see grade_of).
GRADED = frozenset(
    {S.COMPLETED, S.TIMED_OUT, S.SUBMITTED, S.SECOND_REVIEW_REQUIRED, S.VERIFIED, S.REJECTED}
)
PENDING_REVIEW = ("Submitted", "PendingManual")
FINAL = ("Completed", "FullyGraded")


def grade_of(attempt: Attempt, unsatisfactory: str) -> tuple[str, str, Decimal | None] | None:
    """(activityProgress, gradingProgress, scoreGiven) for the attempt's status, or None when
    the status says nothing to a gradebook."""
    status = attempt.status
    earned = attempt.points_earned if attempt.points_earned is not None else Decimal(0)
    if status in (S.COMPLETED, S.TIMED_OUT):
        if attempt.taking_as_proctored:
            return (*PENDING_REVIEW, None)  # the review is still to come
        return (*FINAL, earned)
    if status in (S.SUBMITTED, S.SECOND_REVIEW_REQUIRED):
        return (*PENDING_REVIEW, None)
    if status == S.VERIFIED:
        return (*FINAL, earned)
    if status == S.REJECTED:
        if unsatisfactory == UnsatisfactoryGrade.PENDING:
            return (*PENDING_REVIEW, None)
        return (*FINAL, Decimal(0))
    return None


def grades_record(*, attempt_id: int, now: datetime | None = None) -> list[GradeSync]:
    """Record the grade the attempt's current status means, for each line item its learner
    launched the exam from. Nothing for an attempt not launched through LTI."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_related("exam").filter(pk=attempt_id).first()
    if attempt is None:
        return []  # cleared: nothing new is posted until the retake ends
    identity = LaunchUser.objects.filter(user_id=attempt.learner_id).first()
    if identity is None:
        return []
    place = LaunchContext.objects.filter(course_id=attempt.course_id).first()
    grade = grade_of(attempt, place.unsatisfactory_grade if place else UnsatisfactoryGrade.ZERO)
    if grade is None:
        return []
    activity, grading, score = grade
    links = ResourceLink.objects.filter(
        exam_id=attempt.exam_id, launches__identity=identity
    ).exclude(lineitem="")
    recorded = []
    for link in links:
        row, _ = GradeSync.objects.get_or_create(
            attempt=attempt,
            revision=_revision(attempt),
            resource_link=link,
            defaults={
                "user_sub": identity.sub,
                "score_given": score,
                "score_maximum": attempt.points_possible or Decimal(0),
                "activity_progress": activity,
                "grading_progress": grading,
                "timestamp": attempt.modified,
                "next_try_at": now,
            },
        )
        recorded.append(row)
    return recorded


def _post(row: GradeSync) -> None:
    link = row.resource_link
    platform = link.deployment.platform
    registration = registration_of(platform)
    scopes = list(link.scopes) or [SCORE_SCOPE]
    service = AssignmentsGradesService(
        ServiceConnector(registration, requests_session=TimeoutSession()),
        {"scope": scopes, "lineitem": link.lineitem},
    )
    grade = (
        Grade()
        .set_user_id(row.user_sub)
        .set_activity_progress(row.activity_progress)
        .set_grading_progress(row.grading_progress)
        .set_timestamp(row.timestamp.isoformat())
    )
    if row.score_given is not None:
        grade.set_score_given(float(row.score_given)).set_score_maximum(
            float(row.score_maximum or 0)
        )
    service.put_grade(grade)


def _revision(attempt: Attempt) -> str:
    """The grade's key within its attempt: the status and when the attempt reached it, so a
    status that comes back (verified, rejected, verified again) is a grade of its own."""
    return f"{attempt.status}@{attempt.modified.isoformat()}"


def _delay(tries: int) -> timedelta:
    """30 s, 1 min, 2 min, ... at most MAX_DELAY (the exponent is bounded: never overflows)."""
    return min(timedelta(seconds=30 * 2 ** min(max(tries - 1, 0), 12)), MAX_DELAY)


def grade_send(*, sync_id: int, now: datetime | None = None) -> str:
    """Post one waiting grade (under its row lock: two workers never post it twice); return
    its state afterwards. A newer grade of the same attempt and link supersedes it."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            GradeSync.objects.select_for_update(skip_locked=True)
            .select_related("resource_link__deployment__platform")
            .filter(pk=sync_id, state=SyncState.PENDING)
            .first()
        )
        if row is None:
            return "taken"
        newer = GradeSync.objects.filter(
            attempt_id=row.attempt_id, resource_link_id=row.resource_link_id
        ).filter(timestamp__gt=row.timestamp)
        if newer.exists():
            row.state = SyncState.SUPERSEDED
            row.save(update_fields=["state", "modified"])
            return row.state
        row.tries += 1
        try:
            _post(row)
        except (LtiException, requests.RequestException, KeyError, ValueError) as error:
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            row.next_try_at = now + _delay(row.tries)
            row.save(update_fields=["tries", "last_error", "next_try_at", "modified"])
            log.warning("grade %s not posted (try %s): %s", row.pk, row.tries, row.last_error)
            return row.state
        row.state, row.sent_at, row.last_error = SyncState.SENT, now, ""
        row.save(update_fields=["tries", "state", "sent_at", "last_error", "modified"])
        return row.state


def grades_send_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Post the waiting grades that are due, oldest first; return how many were sent."""
    now = now or timezone.now()
    due = list(
        GradeSync.objects.filter(state=SyncState.PENDING, next_try_at__lte=now)
        .order_by("timestamp", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in due:
        try:
            sent += grade_send(sync_id=pk, now=now) == SyncState.SENT
        except Exception:  # one row's trouble must not stop the others' retries
            log.exception("grade %s could not be tried", pk)
    return sent


def attempt_grades_sync(*, attempt_id: int, now: datetime | None = None) -> int:
    """Record the attempt's grade and post what of it is due; return how many were sent."""
    now = now or timezone.now()
    rows = grades_record(attempt_id=attempt_id, now=now)
    return sum(
        grade_send(sync_id=row.pk, now=now) == SyncState.SENT
        for row in rows
        if row.state == SyncState.PENDING and row.next_try_at <= now
    )


def grades_sweep(*, now: datetime | None = None) -> int:
    """Record the grades of LTI attempts whose current status has none yet, then post the
    waiting grades that are due; return how many were sent."""
    now = now or timezone.now()
    launched = ResourceLaunch.objects.filter(
        identity__user_id=OuterRef("learner_id"), resource_link__exam_id=OuterRef("exam_id")
    ).exclude(resource_link__lineitem="")
    missing = (
        Attempt.objects.filter(course__lti_context__isnull=False, status__in=GRADED)
        .filter(Exists(launched))
        .exclude(lti_grades__timestamp__gte=F("modified"))  # no grade since its last change
        .order_by("modified")
        .values_list("pk", flat=True)[:RECORD_BATCH]
    )
    for attempt_id in list(missing):
        grades_record(attempt_id=attempt_id, now=now)
    return grades_send_due(now=now)


def grade_remarks(attempt_ids: list[int]) -> dict[int, str]:
    """Where each attempt's newest grade stands with the LMS, for the dashboard. One query."""
    newest: dict[int, GradeSync] = {}
    for row in GradeSync.objects.filter(attempt_id__in=attempt_ids).order_by("timestamp", "id"):
        newest[row.attempt_id] = row
    return {attempt_id: _remark(row) for attempt_id, row in newest.items()}


def _remark(row: GradeSync) -> str:
    if row.state == SyncState.SENT:
        return _("Grade sent to the LMS (%(progress)s).") % {"progress": row.grading_progress}
    if row.last_error:
        return _("Grade not yet accepted by the LMS (try %(tries)d): %(error)s") % {
            "tries": row.tries,
            "error": row.last_error[:160],
        }
    return _("Grade waiting to be sent to the LMS.")
