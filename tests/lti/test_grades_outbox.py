"""The grades outbox without a platform: what each status posts, one row per (attempt,
status, link) however often it is recorded, a newer grade superseding an older one still
waiting, and a platform that cannot be reached leaving the grade waiting with its reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from exams.models import ExamType
from exams.statuses import AttemptStatus as S
from lti.grades import grade_of, grade_send, grades_record, grades_sweep
from lti.models import (
    Deployment,
    GradeSync,
    LaunchContext,
    LaunchUser,
    Platform,
    ResourceLaunch,
    ResourceLink,
    SyncState,
)
from tests.factories import AttemptFactory, ExamFactory, UserFactory
from tests.smoke.processes import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(course):
    """A learner who launched a link to a timed exam of an LTI course; the platform's token
    endpoint is a closed port on this machine."""
    closed = f"http://127.0.0.1:{free_port()}"
    platform = Platform.objects.create(
        name="Down",
        issuer="https://lms.example.edu",
        client_id="c",
        auth_login_url=closed + "/auth",
        auth_token_url=closed + "/token",
        key_set_url=closed + "/jwks",
    )
    deployment = Deployment.objects.create(platform=platform, deployment_id="1")
    LaunchContext.objects.create(deployment=deployment, context_id="ctx", course=course)
    exam = ExamFactory(course=course, exam_type=ExamType.TIMED, time_limit_minutes=60)
    learner = UserFactory()
    identity = LaunchUser.objects.create(issuer=platform.issuer, sub="s-1", user=learner)
    link = ResourceLink.objects.create(
        deployment=deployment, resource_link_id="rl-1", exam=exam, lineitem=closed + "/li/1"
    )
    ResourceLaunch.objects.create(resource_link=link, identity=identity, first_at=timezone.now())
    return {"exam": exam, "learner": learner, "link": link}


def attempt_of(linked, **fields):
    return AttemptFactory(exam=linked["exam"], learner=linked["learner"], graded=True, **fields)


@pytest.mark.parametrize(
    ("status", "proctored", "policy", "expected"),
    [
        (S.COMPLETED, False, "zero", ("Completed", "FullyGraded", Decimal("7.50"))),
        (S.TIMED_OUT, False, "zero", ("Completed", "FullyGraded", Decimal("7.50"))),
        (S.COMPLETED, True, "zero", ("Submitted", "PendingManual", None)),
        (S.SUBMITTED, True, "zero", ("Submitted", "PendingManual", None)),
        (S.SECOND_REVIEW_REQUIRED, True, "zero", ("Submitted", "PendingManual", None)),
        (S.VERIFIED, True, "zero", ("Completed", "FullyGraded", Decimal("7.50"))),
        (S.REJECTED, True, "zero", ("Completed", "FullyGraded", Decimal(0))),
        (S.REJECTED, True, "pending", ("Submitted", "PendingManual", None)),
        (S.STARTED, False, "zero", None),
        (S.ERROR, True, "zero", None),
    ],
)
def test_what_each_status_posts(linked, status, proctored, policy, expected):
    attempt = attempt_of(linked, status=status, taking_as_proctored=proctored)

    assert grade_of(attempt, policy) == expected


def test_recording_twice_makes_one_row(linked):
    attempt = attempt_of(linked)

    grades_record(attempt_id=attempt.pk)
    grades_record(attempt_id=attempt.pk)

    row = GradeSync.objects.get()
    assert row.revision == f"{S.COMPLETED}@{attempt.modified.isoformat()}"
    assert (row.user_sub, row.score_given, row.score_maximum) == (
        "s-1",
        Decimal("7.50"),
        Decimal("10.00"),
    )


def test_an_attempt_not_launched_through_lti_records_nothing(course):
    attempt = AttemptFactory(exam=ExamFactory(course=course), graded=True)

    assert grades_record(attempt_id=attempt.pk) == []


def test_a_platform_out_of_reach_leaves_the_grade_waiting_with_its_reason(linked):
    attempt = attempt_of(linked)
    (row,) = grades_record(attempt_id=attempt.pk)
    now = timezone.now()

    assert grade_send(sync_id=row.pk, now=now) == SyncState.PENDING

    row.refresh_from_db()
    assert row.tries == 1
    assert "ConnectionError" in row.last_error
    assert row.next_try_at == now + timedelta(seconds=30)
    assert grades_sweep(now=now) == 0  # not due yet: nothing tried
    row.refresh_from_db()
    assert row.tries == 1


def test_a_newer_grade_supersedes_an_older_one_still_waiting(linked):
    attempt = attempt_of(linked, status=S.SUBMITTED, taking_as_proctored=True)
    (older,) = grades_record(attempt_id=attempt.pk)
    attempt.status = S.VERIFIED
    attempt.save()  # modified moves on: the newer grade's timestamp is later
    (newer,) = grades_record(attempt_id=attempt.pk)

    assert grade_send(sync_id=older.pk) == SyncState.SUPERSEDED
    newer.refresh_from_db()
    assert newer.state == SyncState.PENDING


def test_the_sweep_records_a_grade_whose_event_was_lost(linked):
    attempt = attempt_of(linked)  # no event: nothing recorded yet

    grades_sweep()

    assert GradeSync.objects.filter(attempt=attempt, revision__startswith=S.COMPLETED).count() == 1


def test_the_dashboard_shows_where_each_grade_stands_with_the_lms(linked, client, instructor):
    attempt = attempt_of(linked)
    (row,) = grades_record(attempt_id=attempt.pk)
    client.force_login(instructor)
    dashboard = f"/courses/{attempt.course.course_id}/instructor/"

    assert "Grade waiting to be sent to the LMS." in client.get(dashboard).text
    grade_send(sync_id=row.pk)
    page = client.get(dashboard).text
    assert "Grade not yet accepted by the LMS (try 1): ConnectionError" in page
    GradeSync.objects.update(state=SyncState.SENT)
    assert "Grade sent to the LMS (FullyGraded)." in client.get(dashboard).text


def test_a_cleared_attempt_posts_nothing_new_until_the_retake_ends(linked, instructor):
    from exams import services

    attempt = attempt_of(linked)
    grades_record(attempt_id=attempt.pk)

    services.attempt_clear(attempt_id=attempt.pk, actor=instructor)

    assert not GradeSync.objects.exists()  # the cleared attempt's waiting grade goes with it
    retake = AttemptFactory(exam=linked["exam"], learner=linked["learner"], started=True)
    assert grades_record(attempt_id=retake.pk) == []
    assert grades_sweep() == 0
    retake.status, retake.points_earned, retake.points_possible = S.COMPLETED, 3, 10
    retake.save()
    (row,) = grades_record(attempt_id=retake.pk)
    assert row.score_given == 3


def test_a_status_that_comes_back_is_posted_again(linked):
    attempt = attempt_of(linked, status=S.VERIFIED, taking_as_proctored=True)
    grades_record(attempt_id=attempt.pk)
    for status in (S.REJECTED, S.VERIFIED):  # a second review overturns, a third restores
        attempt.status = status
        attempt.save()
        grades_record(attempt_id=attempt.pk)

    rows = list(GradeSync.objects.order_by("timestamp"))
    assert [row.revision.split("@")[0] for row in rows] == [S.VERIFIED, S.REJECTED, S.VERIFIED]
    assert rows[-1].score_given == Decimal("7.50")


def test_a_grade_failing_for_days_waits_an_hour_between_tries_and_never_stops_the_sweep(linked):
    first = attempt_of(linked)
    second = AttemptFactory(exam=linked["exam"], learner=UserFactory(), graded=True)
    (row,) = grades_record(attempt_id=first.pk)
    GradeSync.objects.filter(pk=row.pk).update(tries=200)

    grade_send(sync_id=row.pk)

    row.refresh_from_db()
    assert row.tries == 201
    assert row.next_try_at - timezone.now() <= timedelta(hours=1, seconds=5)
    assert grades_record(attempt_id=second.pk) == []  # the other learner launched nothing
