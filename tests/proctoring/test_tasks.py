"""Beat tasks of proctoring: sessions whose opening was lost are opened; review e-mails that
were due but never sent are sent."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from exams.models import Attempt
from exams.statuses import AttemptStatus as S
from proctoring.models import ProviderSession, Review
from proctoring.tasks import review_emails_send_missing_task, sessions_open_missing_task
from tests.factories import AttemptFactory, ExamFactory
from tests.proctoring.conftest import review

pytestmark = pytest.mark.django_db


def test_lost_session_opening_is_done_by_the_sweep(course, learner):
    course.proctoring_provider = "simulated"
    course.save()
    attempt = AttemptFactory(
        exam=ExamFactory(course=course, proctored=True),
        learner=learner,
        status=S.DOWNLOAD_SOFTWARE_CLICKED,
    )
    Attempt.objects.filter(pk=attempt.pk).update(modified=timezone.now() - timedelta(minutes=5))

    opened = sessions_open_missing_task()
    again = sessions_open_missing_task()

    assert (opened, again) == (1, 0)
    assert ProviderSession.objects.get().attempt_id == attempt.pk


def test_recent_setups_are_left_to_their_own_task(course, learner):
    AttemptFactory(
        exam=ExamFactory(course=course, proctored=True),
        learner=learner,
        status=S.DOWNLOAD_SOFTWARE_CLICKED,
    )

    assert sessions_open_missing_task() == 0


def _lost_email(attempt, *, minutes_ago=10, result=S.VERIFIED):
    """A review that settled the attempt and was due an e-mail that was never queued."""
    Attempt.objects.filter(pk=attempt.pk).update(status=S.VERIFIED)
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return Review.objects.create(
        attempt=attempt,
        attempt_code=attempt.attempt_code,
        provider="simulated",
        verdict="passed",
        result=result,
        reviewed_at=at,
        received_at=at,
        is_applied=True,
        email_due=True,
    )


def test_a_settling_review_is_due_an_email(deliver, proctored_attempt):
    deliver(review(proctored_attempt.attempt_code, "passed"))

    settled = Review.objects.get()
    assert (settled.email_due, settled.emailed_at is not None) == (True, True)


def test_a_review_that_changes_nothing_is_not_due_an_email(deliver, proctored_attempt):
    deliver(review(proctored_attempt.attempt_code, "passed"))
    deliver(review(proctored_attempt.attempt_code, "passed"))

    assert [r.email_due for r in Review.objects.order_by("id")] == [True, False]
    assert len(mail.outbox) == 1


def test_a_lost_review_email_is_sent_by_the_sweep_once(proctored_attempt):
    lost = _lost_email(proctored_attempt)

    sent = review_emails_send_missing_task()
    again = review_emails_send_missing_task()

    assert (sent, again) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [proctored_attempt.learner.email]
    lost.refresh_from_db()
    assert lost.emailed_at is not None


def test_a_recent_review_email_is_left_to_its_own_task(proctored_attempt):
    _lost_email(proctored_attempt, minutes_ago=1)

    assert review_emails_send_missing_task() == 0
    assert mail.outbox == []


def test_a_review_overtaken_by_a_later_one_is_not_mailed(proctored_attempt):
    _lost_email(proctored_attempt, result=S.REJECTED)  # the attempt now stands verified

    assert review_emails_send_missing_task() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("language", "subject_starts"),
    [("", "Your proctoring review result"), ("es", "El resultado"), ("ar", "نتيجة")],
)
def test_the_review_email_is_written_in_the_learners_language(
    proctored_attempt, language, subject_starts
):
    Attempt.objects.filter(pk=proctored_attempt.pk).update(language=language)
    _lost_email(proctored_attempt)

    review_emails_send_missing_task()

    (sent,) = mail.outbox
    assert sent.subject.startswith(subject_starts), sent.subject
    assert proctored_attempt.exam.name in sent.subject
