"""A callback applies only to an attempt proctored by the provider that received it: a learner
knows their own attempt code, so another provider's signature must not decide their review."""

import pytest
from django.test import override_settings

from exams.statuses import AttemptStatus as S
from proctoring.models import CallbackDelivery, Review
from proctoring.providers import get_provider
from tests.proctoring.conftest import review

SIMULATED = {"BACKEND": "proctoring.providers.simulated.SimulatedProvider"}


@pytest.fixture
def another_vendor():
    """A second provider (a real vendor in production) next to the simulated one."""
    from django.conf import settings

    providers = {**settings.PROCTORING_PROVIDERS, "vendor": {**SIMULATED, "SECRET": "v" * 40}}
    get_provider.cache_clear()
    with override_settings(PROCTORING_PROVIDERS=providers):
        yield "v" * 40
    get_provider.cache_clear()


@pytest.mark.django_db
def test_a_review_signed_by_another_provider_is_not_applied(
    deliver, proctored_attempt, another_vendor
):
    """The probe's attack: the vendor's Unsatisfactory, then a forged 'passed' signed with the
    simulated provider's secret, which the learner's attempt code is enough to aim."""
    course = proctored_attempt.course
    course.proctoring_provider = "vendor"
    course.save()
    deliver(
        review(proctored_attempt.attempt_code, "violation"),
        provider="vendor",
        secret=another_vendor,
    )
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.REJECTED

    answer = deliver(review(proctored_attempt.attempt_code, "passed"))

    assert answer.status_code in (200, 202)
    proctored_attempt.refresh_from_db()
    assert proctored_attempt.status == S.REJECTED
    forged = CallbackDelivery.objects.get(provider="simulated")
    assert (forged.status, forged.outcome) == ("ignored", "other_provider")
    assert list(Review.objects.values_list("provider", "verdict")) == [("vendor", "violation")]
