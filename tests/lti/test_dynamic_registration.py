"""LTI Dynamic Registration: an administrator pastes the tool's invitation URL into the
platform, the platform opens it with its OpenID configuration, and the tool registers itself;
its first launch then works. Without a valid invitation nothing is registered."""

import pytest
import requests
from django.core.management import call_command

from lti.models import Deployment, Platform
from lti.registration import TOOL_CONFIGURATION
from tests.lti.conftest import ANN, CONTEXT
from tests.lti.platform import TestPlatform

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def platform():
    with TestPlatform() as lms:
        yield lms


def registration_link(live_server, capsys):
    call_command("lti_registration_url", f"--site-url={live_server.url}", "--note=test")
    return capsys.readouterr().out.strip()


def test_a_platform_registers_itself_and_then_launches(platform, live_server, capsys):
    link = registration_link(live_server, capsys)

    page = requests.get(platform.registration_url(link), timeout=10)

    assert page.status_code == 200, page.text[:400]
    assert "Special Exams is registered" in page.text
    registered = Platform.objects.get()
    assert (registered.issuer, registered.client_id) == (platform.issuer, platform.client_id)
    assert registered.key_set_url == platform.key_set_url
    assert Deployment.objects.get().deployment_id == platform.deployment_id
    (sent,) = platform.dynamic_registrations
    assert sent["jwks_uri"] == f"{live_server.url}/lti/jwks/"
    assert sent[TOOL_CONFIGURATION]["messages"][0]["type"] == "LtiDeepLinkingRequest"
    landing = platform.launch_with(requests.Session(), platform.login_url(ANN, context=CONTEXT))
    assert landing.status_code == 200, platform.errors


@pytest.mark.parametrize("invitation", ["not-signed", "expired"])
def test_a_registration_without_a_valid_invitation_registers_nothing(
    platform, live_server, capsys, settings, invitation
):
    link = registration_link(live_server, capsys)
    if invitation == "not-signed":
        link = link.rsplit("/", 2)[0] + "/forged/"
    else:
        settings.LTI_REGISTRATION_LINK_SECONDS = -1

    page = requests.get(platform.registration_url(link), timeout=10)

    assert page.status_code == 403
    assert 'data-code="lti_bad_invitation"' in page.text
    assert not Platform.objects.exists()
    assert platform.dynamic_registrations == []


def test_a_platform_that_refuses_the_registration_registers_nothing(platform, live_server, capsys):
    link = registration_link(live_server, capsys)
    platform.registration_token = "another-token"  # the tool sends the one in the URL

    url = platform.registration_url(link).replace("another-token", "stale-token")
    page = requests.get(url, timeout=10)

    assert page.status_code == 400
    assert 'data-code="lti_registration_failed"' in page.text
    assert not Platform.objects.exists()


def test_an_invitation_registers_one_platform(platform, live_server, capsys):
    link = registration_link(live_server, capsys)
    assert requests.get(platform.registration_url(link), timeout=10).status_code == 200

    with TestPlatform() as other:
        again = requests.get(other.registration_url(link), timeout=10)

    assert again.status_code == 403
    assert 'data-code="lti_bad_invitation"' in again.text
    assert Platform.objects.count() == 1


def test_a_registration_never_takes_over_a_registered_issuer(platform, live_server, capsys):
    existing = Platform.objects.create(
        name="Kept",
        issuer=platform.issuer,
        client_id="the-real-client",
        auth_login_url="https://lms.example.edu/auth",
        auth_token_url="https://lms.example.edu/token",
        key_set_url="https://lms.example.edu/jwks",
        is_active=False,
    )

    page = requests.get(
        platform.registration_url(registration_link(live_server, capsys)), timeout=10
    )

    assert page.status_code == 409
    assert 'data-code="lti_issuer_registered"' in page.text
    assert list(Platform.objects.all()) == [existing]
    existing.refresh_from_db()
    assert (existing.key_set_url, existing.is_active) == ("https://lms.example.edu/jwks", False)


def test_a_configuration_elsewhere_than_https_is_refused(live_server, capsys):
    link = registration_link(live_server, capsys)

    page = requests.get(
        link + "?openid_configuration=http://lms.example.edu/.well-known/openid-configuration",
        timeout=10,
    )

    assert page.status_code == 400
    assert 'data-code="lti_registration_failed"' in page.text
    assert not Platform.objects.exists()
