"""The tool's keys: made on first use, rotated by a command, the retired key kept in the JWKS
for the grace period and dropped after it."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from lti import keys
from lti.models import ToolKey

pytestmark = pytest.mark.django_db


def kids(body):
    return [key["kid"] for key in body["keys"]]


def test_the_jwks_serves_a_key_made_on_first_use(client):
    response = client.get("/lti/jwks/")

    assert response.status_code == 200
    (key,) = response.json()["keys"]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert "d" not in key  # public parts only
    assert ToolKey.objects.get().kid == key["kid"]


def test_a_rotation_keeps_the_previous_key_for_the_grace_period(settings, now):
    settings.LTI_KEY_GRACE_SECONDS = 3600
    first = keys.key_create(now=now - timedelta(days=30))

    second = keys.key_rotate(now=now)

    assert keys.signing_key() == second
    assert kids(keys.jwks(now=now + timedelta(minutes=59))) == [second.kid, first.kid]
    assert kids(keys.jwks(now=now + timedelta(minutes=61))) == [second.kid]


def test_the_rotation_command_makes_a_new_signing_key(capsys):
    first = keys.signing_key()

    call_command("lti_rotate_key")

    assert keys.signing_key() != first
    assert "New signing key" in capsys.readouterr().out
