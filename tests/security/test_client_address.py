"""Rate limits and the login lockout key on the address the deployment's own proxies saw, never
on a header the client chose; and what an unauthenticated sender can make the database keep is
bounded."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from exams.client_address import client_address
from proctoring.models import CallbackDelivery
from proctoring.services.callbacks import REJECTED_BODY_CHARS

CALLBACK = "/api/v1/proctoring/simulated/callback/"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.9"),
        (0, "203.0.113.7", "10.0.0.9"),  # no proxy of ours: the header is the client's word
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the client prepended a lie
        (2, "198.51.100.1, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (3, "203.0.113.7", "203.0.113.7"),
        (1, " , ", "10.0.0.9"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_address(request) == expected


@override_settings(PROCTORING_CALLBACK_RATE_PER_MINUTE=3)
def test_a_rotating_forwarded_for_does_not_escape_the_callback_rate_limit(client, db):
    cache.clear()
    answers = [
        client.post(
            CALLBACK,
            data=b"{}",
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(5)
    ]

    assert answers == [401, 401, 401, 429, 429]


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_rotating_forwarded_for_does_not_escape_the_login_lockout(client, learner):
    for n in range(3):
        client.post(
            "/accounts/login/",
            {"username": "learner", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    locked = client.post(
        "/accounts/login/",
        {"username": "learner", "password": "pw"},
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )

    assert locked.status_code == 429


@override_settings(PROCTORING_REJECTED_KEPT_PER_MINUTE=3, PROCTORING_CALLBACK_RATE_PER_MINUTE=100)
def test_refused_deliveries_kept_are_few_and_short(client, db):
    cache.clear()
    body = b'{"padding": "' + b"x" * 60_000 + b'"}'

    answers = [
        client.post(CALLBACK, data=body, content_type="application/json").status_code
        for _ in range(6)
    ]

    assert answers == [401] * 6
    kept = list(CallbackDelivery.objects.values_list("status", "body"))
    assert len(kept) == 3
    assert all(status == "rejected" and len(text) <= REJECTED_BODY_CHARS for status, text in kept)
