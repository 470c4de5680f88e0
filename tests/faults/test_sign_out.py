"""Signing out while the session cache (Redis, hung) cannot be reached is refused with a clear
503 and changes nothing; it never looks done and comes undone when Redis is back (the cached
copy of the session would otherwise be read again, for up to the session's whole lifetime)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client

from tests.factories import UserFactory
from tests.faults.conftest import FAULT_MARKS

pytestmark = [*FAULT_MARKS, pytest.mark.django_db(transaction=True)]


def _signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_sign_out_while_redis_is_down_is_refused_and_then_done_for_good(own_redis, app_on_redis):
    UserFactory(username="learner")  # password "pw"
    with app_on_redis(own_redis.url, eager=False):
        browser = Client()
        signed = browser.post("/accounts/login/", {"username": "learner", "password": "pw"})
        assert signed.status_code == 302
        cookie = browser.cookies["sessionid"].value
        stolen = Client()
        stolen.cookies["sessionid"] = cookie

        own_redis.hang()  # unreachable, and its data intact when it answers again
        try:
            refused = browser.post("/accounts/logout/")
        finally:
            own_redis.unhang()

        assert refused.status_code == 503
        assert b"could not sign you out" in refused.content
        assert Session.objects.filter(session_key=cookie).exists()  # nothing half done

        assert stolen.get("/").status_code == 200 and _signed_in(stolen)
        done = browser.post("/accounts/logout/")
        assert done.status_code == 302
        assert not Session.objects.filter(session_key=cookie).exists()
        stolen.get("/")
        assert not _signed_in(stolen), "the session came back after signing out"
