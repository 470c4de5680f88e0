"""pylti1p3's view of the registrations: our Platform and Deployment rows and the signing key.

An issuer may register this tool several times (one client id each); a login initiation that
names no client id is accepted only when the issuer has exactly one active registration.
"""

from collections.abc import Iterable
from typing import Any

import requests
from pylti1p3.contrib.django.service_connector import DjangoServiceConnector
from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.exception import LtiException
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from lti import keys
from lti.models import Deployment, Platform


def platform_of(issuer: str, client_id: str | None) -> Platform:
    """The active registration of this issuer and client id; LtiException when none (or, with
    no client id, when the issuer has more than one)."""
    platforms = Platform.objects.filter(issuer=issuer, is_active=True)
    if client_id is not None:
        platforms = platforms.filter(client_id=client_id)
    found = list(platforms[:2])
    if len(found) != 1:
        raise LtiException(f"iss {issuer} [client_id={client_id}] not found in settings")
    return found[0]


def registration_of(platform: Platform) -> Registration:
    """pylti1p3's registration of a platform, signed with the tool's current key."""
    key = keys.signing_key()
    registration = Registration()
    registration.set_issuer(platform.issuer).set_client_id(platform.client_id)
    registration.set_auth_login_url(platform.auth_login_url)
    registration.set_auth_token_url(platform.auth_token_url)
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    registration.set_key_set_url(platform.key_set_url)
    registration.set_tool_private_key(key.private_key)
    registration.set_tool_public_key(key.public_key)
    return registration


class ToolConf(ToolConfAbstract[Any]):
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return self.find_registration_by_params(iss, None)

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_registration_by_params(
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Registration:
        return registration_of(platform_of(iss, client_id))

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> LtiDeployment | None:
        platform = platform_of(iss, client_id)
        if not Deployment.objects.filter(platform=platform, deployment_id=deployment_id).exists():
            return None
        return LtiDeployment().set_deployment_id(deployment_id)

    def get_jwks(self, iss: str | None = None, client_id: str | None = None, **kwargs: Any) -> Any:
        return keys.jwks()["keys"]


REQUEST_TIMEOUT_SECONDS = 10


class TimeoutSession(requests.Session):
    """For pylti1p3's calls to a platform's services: each gives up after
    REQUEST_TIMEOUT_SECONDS (the library sets no timeout of its own)."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", REQUEST_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


class ServiceConnector(DjangoServiceConnector):
    """pylti1p3's connector to a platform's services, its access tokens cached per
    registration: the library keys them by issuer and scopes alone, and one issuer may
    register this tool several times (Canvas cloud: one issuer for every institution)."""

    def _scope_key(self, scopes: Iterable[str]) -> str:
        registration = self._registration
        return super()._scope_key(
            [
                *scopes,
                f"client:{registration.get_client_id()}",
                registration.get_auth_token_url() or "",
            ]
        )
