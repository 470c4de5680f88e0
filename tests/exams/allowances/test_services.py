"""Allowances: how they set the allowed time at start, and what granting, changing and revoking
one does to an attempt that is already running."""

from datetime import timedelta
from decimal import Decimal

import pytest

from exams import services
from exams.allowances.inputs import AllowanceValue
from exams.allowances.services import allowance_grant, allowance_revoke, allowance_update
from exams.exceptions import DomainError
from exams.models import Allowance, AllowanceKind, AttemptTransition, AuditLogEntry, ExamType
from exams.statuses import AttemptStatus as S
from tests.exams.helpers import history_of
from tests.factories import CourseFactory, ExamFactory, UserFactory

pytestmark = pytest.mark.django_db

MINUTES = AllowanceKind.ADDITIONAL_MINUTES
MULTIPLIER = AllowanceKind.TIME_MULTIPLIER
EXCEPTION = AllowanceKind.REVIEW_EXCEPTION


@pytest.fixture
def grant(course, learner, instructor, now):
    def grant(kind, value, exam=None, at=None, **kwargs):
        return allowance_grant(
            course=course,
            learner=kwargs.pop("learner", learner),
            exam=exam,
            value=AllowanceValue.parse(kind, value),
            granted_by=instructor,
            now=at or now,
            **kwargs,
        )

    return grant


@pytest.fixture
def start(learner, now):
    def start(exam, at=None):
        attempt = services.attempt_create(exam=exam, learner=learner, proctored=None, now=now)
        return services.attempt_start(attempt_id=attempt.pk, actor=learner, now=at or now)

    return start


@pytest.fixture
def exam(course):
    return ExamFactory(course=course, time_limit_minutes=60)


def test_start_applies_additional_minutes_for_the_exam(exam, grant, start, now):
    grant(MINUTES, 30, exam=exam)

    attempt = start(exam)

    assert attempt.allowed_seconds == 5400
    assert attempt.deadline_at == now + timedelta(minutes=90)


def test_start_applies_a_time_multiplier(exam, grant, start, now):
    grant(MULTIPLIER, "1.5", exam=exam)

    attempt = start(exam)

    assert attempt.allowed_seconds == 5400
    assert attempt.deadline_at == now + timedelta(minutes=90)


def test_start_multiplies_time_allotted_plus_additional_minutes(exam, grant, start, now):
    grant(MINUTES, 30, exam=exam)
    grant(MULTIPLIER, "1.5", exam=exam)

    attempt = start(exam)

    assert attempt.allowed_seconds == 8100
    assert attempt.deadline_at == now + timedelta(minutes=135)


def test_course_wide_allowance_applies_to_every_timed_exam_of_the_course(
    course, exam, grant, start, now
):
    grant(MINUTES, 15)
    shorter = ExamFactory(course=course, exam_type=ExamType.TIMED, time_limit_minutes=30)
    added_later = ExamFactory(course=course, time_limit_minutes=10)

    attempts = [start(e) for e in (exam, shorter, added_later)]

    assert [a.allowed_seconds for a in attempts] == [75 * 60, 45 * 60, 25 * 60]


def test_exam_allowance_replaces_a_course_wide_one_of_the_same_kind(course, exam, grant, start):
    grant(MINUTES, 30)
    grant(MINUTES, 10, exam=exam)
    other = ExamFactory(course=course, time_limit_minutes=60)

    assert start(exam).allowed_seconds == 70 * 60
    assert start(other).allowed_seconds == 90 * 60


def test_allowances_of_different_kinds_and_scopes_combine(exam, grant, start):
    grant(MULTIPLIER, "2")
    grant(MINUTES, 10, exam=exam)

    assert start(exam).allowed_seconds == (60 + 10) * 2 * 60


def test_expired_allowance_is_ignored(exam, grant, start, now):
    grant(MINUTES, 30, exam=exam, at=now - timedelta(days=2), expires_at=now - timedelta(days=1))

    attempt = start(exam)

    assert attempt.allowed_seconds == 3600
    assert attempt.deadline_at == now + timedelta(hours=1)


def test_allowance_expiring_later_still_applies(exam, grant, start, now):
    grant(MINUTES, 30, exam=exam, expires_at=now + timedelta(seconds=1))

    assert start(exam).allowed_seconds == 5400


def test_allowances_of_other_learners_and_courses_do_not_apply(
    course, exam, other_learner, instructor, start, now
):
    elsewhere = CourseFactory()
    allowance_grant(
        course=course,
        learner=other_learner,
        exam=exam,
        value=AllowanceValue.parse(MINUTES, 30),
        granted_by=instructor,
        now=now,
    )
    learner = UserFactory(username="learner")  # the `learner` fixture's user
    learner.exam_enrollments.create(course=elsewhere, mode="verified")
    allowance_grant(
        course=elsewhere,
        learner=learner,
        exam=None,
        value=AllowanceValue.parse(MINUTES, 30),
        granted_by=None,
        now=now,
    )

    assert start(exam).allowed_seconds == 3600


def test_allowance_granted_while_running_extends_the_deadline(exam, grant, start, instructor, now):
    attempt = start(exam)
    later = now + timedelta(minutes=20)

    allowance = grant(MINUTES, 30, exam=exam, at=later)

    attempt.refresh_from_db()
    assert attempt.status == S.STARTED
    assert attempt.allowed_seconds == 5400
    assert attempt.deadline_at == now + timedelta(minutes=90)
    row = AttemptTransition.objects.get(attempt=attempt, kind="deadline")
    assert (row.from_status, row.to_status, row.deadline_at, row.actor, row.at, row.reason) == (
        S.STARTED,
        S.STARTED,
        now + timedelta(minutes=90),
        instructor,
        later,
        f"allowance {allowance.pk} moved the deadline by 1800 seconds",
    )
    assert history_of(attempt) == [("", S.CREATED), (S.CREATED, S.STARTED)]


def test_course_wide_allowance_granted_while_running_extends_the_deadline(exam, grant, start, now):
    attempt = start(exam)

    grant(MULTIPLIER, "1.5", at=now + timedelta(minutes=5))

    attempt.refresh_from_db()
    assert attempt.allowed_seconds == 5400
    assert attempt.deadline_at == now + timedelta(minutes=90)
    assert AttemptTransition.objects.filter(attempt=attempt, kind="deadline").count() == 1


def test_extra_time_while_running_is_still_cut_at_the_due_date(course, grant, start, now):
    exam = ExamFactory(course=course, time_limit_minutes=60, due_at=now + timedelta(minutes=70))
    attempt = start(exam)

    grant(MINUTES, 30, exam=exam, at=now + timedelta(minutes=1))

    attempt.refresh_from_db()
    assert attempt.deadline_at == now + timedelta(minutes=70)
    assert attempt.cut_by_due_date is True


def test_extra_time_does_not_reach_finished_or_other_learners_attempts(
    course, exam, grant, start, attempt_in, other_learner, now
):
    done = start(exam)
    services.attempt_submit(attempt_id=done.pk, actor=done.learner, now=now)
    theirs = attempt_in(S.STARTED, learner=other_learner, exam=exam, proctored=False)

    grant(MINUTES, 30, exam=exam)

    done.refresh_from_db()
    theirs.refresh_from_db()
    assert done.deadline_at == now + timedelta(hours=1)
    assert theirs.deadline_at == now - timedelta(minutes=10) + timedelta(hours=1)
    assert AttemptTransition.objects.filter(kind="deadline").count() == 0


def test_time_granted_while_an_attempt_is_stopped_by_an_error_reaches_the_resume(
    course, learner, instructor, grant, now
):
    exam = ExamFactory(course=course, proctored=True, time_limit_minutes=60)
    attempt = services.attempt_create(exam=exam, learner=learner, proctored=True, now=now)
    services.attempt_setup_begin(attempt_id=attempt.pk, actor=learner, now=now)
    services.attempt_mark_ready(attempt_id=attempt.pk, now=now)
    services.attempt_start(attempt_id=attempt.pk, actor=learner, now=now)
    services.attempt_error(attempt_id=attempt.pk, actor=None, now=now + timedelta(minutes=20))

    grant(MINUTES, 30, exam=exam, at=now + timedelta(minutes=30))
    services.attempt_resume(attempt_id=attempt.pk, actor=instructor, now=now + timedelta(hours=1))
    restart = now + timedelta(hours=1, minutes=2)
    started = services.attempt_start(attempt_id=attempt.pk, actor=learner, now=restart)

    assert started.deadline_at == restart + timedelta(minutes=40 + 30)
    assert started.allowed_seconds == 5400


def test_review_exception_does_not_touch_the_clock(exam, grant, start, now):
    attempt = start(exam)

    grant(EXCEPTION, "Learner cannot see. Allow a scribe.", exam=exam)

    attempt.refresh_from_db()
    assert attempt.deadline_at == now + timedelta(hours=1)
    assert AttemptTransition.objects.filter(kind="deadline").count() == 0


def test_revoking_does_not_shorten_a_running_attempt(exam, grant, start, instructor, now):
    allowance = grant(MINUTES, 30, exam=exam)
    attempt = start(exam)

    allowance_revoke(allowance_id=allowance.pk, actor=instructor, now=now + timedelta(minutes=5))

    attempt.refresh_from_db()
    assert attempt.deadline_at == now + timedelta(minutes=90)
    assert attempt.allowed_seconds == 5400
    assert Allowance.objects.count() == 0
    assert AttemptTransition.objects.filter(kind="deadline").count() == 0
    entry = AuditLogEntry.objects.get(action="allowance_revoked")
    assert entry.summary == f"Revoked: Additional minutes +30 min for learner on '{exam.name}'"


def test_update_to_less_time_does_not_shorten_a_running_attempt(
    exam, grant, start, instructor, now
):
    allowance = grant(MINUTES, 30, exam=exam)
    attempt = start(exam)

    allowance_update(
        allowance_id=allowance.pk,
        value=AllowanceValue.parse(allowance.kind, 5),
        actor=instructor,
        now=now,
    )

    attempt.refresh_from_db()
    assert attempt.deadline_at == now + timedelta(minutes=90)
    assert Allowance.objects.get().minutes == 5


def test_update_to_more_time_extends_by_the_difference(exam, grant, start, instructor, now):
    allowance = grant(MINUTES, 30, exam=exam)
    attempt = start(exam)

    allowance_update(
        allowance_id=allowance.pk,
        value=AllowanceValue.parse(allowance.kind, 45),
        actor=instructor,
        now=now,
    )

    attempt.refresh_from_db()
    assert attempt.allowed_seconds == 105 * 60
    assert attempt.deadline_at == now + timedelta(minutes=105)
    assert AttemptTransition.objects.filter(attempt=attempt, kind="deadline").count() == 1


def test_grant_writes_the_audit_log(exam, grant, instructor, learner, now):
    allowance = grant(MULTIPLIER, "1.25", exam=exam, reason=" dyslexia ")

    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.actor, entry.learner_id, entry.at, entry.target) == (
        "allowance_granted",
        instructor,
        learner.pk,
        now,
        f"allowance {allowance.pk}",
    )
    assert entry.summary == f"Time multiplier x1.25 for learner on '{exam.name}'"
    assert allowance.reason == "dyslexia"
    assert allowance.multiplier == Decimal("1.25")


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (MINUTES, 0),
        (MINUTES, "abc"),
        (MINUTES, 24 * 60 + 1),
        (MULTIPLIER, "1"),
        (MULTIPLIER, "1.555"),
        (MULTIPLIER, "10.01"),
        (MULTIPLIER, "NaN"),
        (EXCEPTION, "   "),
        ("bonus_points", 5),
    ],
)
def test_grant_with_a_bad_value_is_refused(exam, grant, kind, value):
    with pytest.raises(DomainError) as raised:
        grant(kind, value, exam=exam)

    assert raised.value.code == "invalid_input"
    assert Allowance.objects.count() == 0
    assert AuditLogEntry.objects.count() == 0


def test_second_allowance_of_the_same_kind_and_scope_is_refused(exam, grant):
    grant(MINUTES, 30, exam=exam)

    with pytest.raises(DomainError) as raised:
        grant(MINUTES, 10, exam=exam)

    assert raised.value.code == "allowance_exists"
    assert list(Allowance.objects.values_list("minutes", flat=True)) == [30]


def test_grant_to_a_learner_not_enrolled_is_refused(exam, grant):
    with pytest.raises(DomainError) as raised:
        grant(MINUTES, 30, exam=exam, learner=UserFactory(username="stranger"))

    assert raised.value.code == "not_enrolled"
    assert Allowance.objects.count() == 0


def test_grant_for_an_exam_of_another_course_is_refused(grant):
    with pytest.raises(DomainError) as raised:
        grant(MINUTES, 30, exam=ExamFactory(course=CourseFactory()))

    assert raised.value.code == "invalid_input"


def test_grant_expiring_in_the_past_is_refused(exam, grant, now):
    with pytest.raises(DomainError) as raised:
        grant(MINUTES, 30, exam=exam, expires_at=now)

    assert raised.value.code == "invalid_input"


def test_an_update_keeps_the_kind_and_changes_nothing_when_given_another(
    exam, grant, instructor, now
):
    allowance = grant(MINUTES, 30, exam=exam)

    with pytest.raises(DomainError) as refused:
        allowance_update(
            allowance_id=allowance.pk,
            value=AllowanceValue.parse(MULTIPLIER, "1.5"),
            actor=instructor,
            now=now,
        )

    assert (refused.value.code, refused.value.extra) == ("invalid_input", {"field": "value"})
    allowance.refresh_from_db()
    assert (allowance.kind, allowance.minutes, allowance.multiplier) == (MINUTES, 30, None)


def test_an_update_without_a_value_keeps_the_stored_one(exam, grant, instructor, now):
    allowance = grant(MULTIPLIER, "1.5", exam=exam)

    allowance_update(allowance_id=allowance.pk, reason="Confirmed.", actor=instructor, now=now)

    allowance.refresh_from_db()
    assert (allowance.multiplier, allowance.reason) == (Decimal("1.50"), "Confirmed.")
