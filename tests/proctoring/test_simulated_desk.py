"""The simulated reviewer desk refuses a verdict not made against the session as it is now (a
stale tab, a second click): nothing is sent, and the desk says why."""

import pytest
from django.utils import timezone

from exams.statuses import AttemptStatus as S
from proctoring.models import CallbackDelivery, Review

pytestmark = pytest.mark.django_db

DESK = "/proctoring/simulated/reviewer/"


@pytest.fixture
def desk(client, support):
    client.force_login(support)
    return client


def _reviewed(attempt, verdict="suspicious", result=S.SECOND_REVIEW_REQUIRED):
    return Review.objects.create(
        attempt=attempt,
        attempt_code=attempt.attempt_code,
        provider="simulated",
        verdict=verdict,
        result=result,
        reviewed_at=timezone.now(),
        received_at=timezone.now(),
        is_applied=True,
    )


def test_the_desk_shows_each_session_with_the_review_it_is_judged_against(desk, proctored_attempt):
    proctored_attempt.status = S.SECOND_REVIEW_REQUIRED
    proctored_attempt.save()
    last = _reviewed(proctored_attempt)

    page = desk.get(DESK).content.decode()

    assert f'name="seen_review" value="{last.pk}"' in page


@pytest.mark.parametrize("status", [S.SECOND_REVIEW_REQUIRED, S.VERIFIED])
def test_a_verdict_from_a_stale_page_is_refused(desk, proctored_attempt, status):
    proctored_attempt.status = status
    proctored_attempt.save()
    _reviewed(proctored_attempt)  # reviewed since the stale page showed no review

    answer = desk.post(
        DESK,
        {"attempt_code": proctored_attempt.attempt_code, "verdict": "passed", "seen_review": ""},
    )

    assert answer.status_code == 409
    assert "your verdict was not sent" in answer.content.decode()
    assert CallbackDelivery.objects.count() == 0
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == status


def test_a_verdict_without_a_session_or_a_known_verdict_is_refused(desk, proctored_attempt):
    answer = desk.post(DESK, {"attempt_code": proctored_attempt.attempt_code, "verdict": "x"})

    assert answer.status_code == 400
    assert "Choose a session and a verdict." in answer.content.decode()
