"""A review is decided only by the provider that proctors the attempt, with a secret of the
deployment's own: the simulated provider exists only where it is asked for, refuses the public
default secret under production settings, and `check --deploy` flags a missing or default
provider secret. (A callback of another provider is refused in tests/proctoring.)"""

import secrets
import subprocess
import sys

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from tests.smoke.processes import REPO, child_env

SIMULATED = {"BACKEND": "proctoring.providers.simulated.SimulatedProvider"}


def _production(**env: str) -> subprocess.CompletedProcess:
    """`manage.py` under settings.production with `env`, printing the configured providers."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(sorted(settings.PROCTORING_PROVIDERS))",
        ],
        cwd=REPO,
        env=child_env(
            DJANGO_SETTINGS_MODULE="settings.production",
            SECRET_KEY=secrets.token_urlsafe(60),
            **env,
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_has_no_simulated_provider_unless_asked():
    result = _production()

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['null']"


@pytest.mark.parametrize("secret", [None, "", "simulated-provider-secret"])
def test_production_refuses_the_simulated_provider_with_a_default_secret(secret):
    env = {"PROCTORING_SIMULATED": "1"}
    if secret is not None:
        env["SIMULATED_PROVIDER_SECRET"] = secret

    result = _production(**env)

    assert result.returncode != 0
    assert "SIMULATED_PROVIDER_SECRET" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_takes_the_simulated_provider_with_a_secret_of_its_own():
    result = _production(PROCTORING_SIMULATED="1", SIMULATED_PROVIDER_SECRET="s" * 40)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['null', 'simulated']"


def test_production_without_secret_key_says_what_is_missing():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=child_env(DJANGO_SETTINGS_MODULE="settings.production"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "settings.production needs SECRET_KEY in the environment" in result.stderr
    assert "KeyError" not in result.stderr


@pytest.mark.parametrize("secret", ["", "simulated-provider-secret"])
def test_check_deploy_flags_a_missing_or_default_provider_secret(secret):
    providers = {"null": {"BACKEND": "proctoring.providers.null.NullProvider"}}
    providers["vendor"] = {**SIMULATED, "SECRET": secret}
    with override_settings(PROCTORING_PROVIDERS=providers):
        found = run_checks(include_deployment_checks=True, tags=["security"])

    assert [e.id for e in found if e.id.startswith("proctoring.")] == ["proctoring.E001"]
    assert "'vendor'" in next(e.msg for e in found if e.id == "proctoring.E001")


def test_check_deploy_passes_providers_with_secrets_of_their_own():
    providers = {"vendor": {**SIMULATED, "SECRET": "v" * 40}}
    with override_settings(PROCTORING_PROVIDERS=providers):
        found = run_checks(include_deployment_checks=True, tags=["security"])

    assert [e.id for e in found if e.id.startswith("proctoring.")] == []


@pytest.mark.django_db
def test_the_simulated_vendors_pages_are_not_there_without_the_provider(client, support):
    client.force_login(support)
    with override_settings(
        PROCTORING_PROVIDERS={"null": {"BACKEND": "proctoring.providers.null.NullProvider"}}
    ):
        desk = client.get("/proctoring/simulated/reviewer/")
        window = client.get("/proctoring/simulated/software/ABC123/")

    assert (desk.status_code, window.status_code) == (404, 404)
    assert client.get("/proctoring/simulated/reviewer/").status_code == 200
