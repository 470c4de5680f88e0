"""LTI Dynamic Registration 1.0: a platform's administrator pastes one URL of this tool and
the platform registers itself.

The URL carries a signed invitation (`manage.py lti_registration_url`, valid for
LTI_REGISTRATION_LINK_SECONDS): without it anyone could register a platform of their own
here. pylti1p3's `DynamicRegistration` reads the platform's OpenID configuration, sends this
tool's configuration to its registration endpoint and hands back what the platform answered;
`complete_registration` stores it as a Platform with its deployment.
"""

from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from pylti1p3.dynamic_registration import DynamicRegistration

from lti.models import Deployment, Platform
from lti.tool_conf import TimeoutSession

INVITATION_SALT = "lti.registration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


def invitation_make(*, note: str = "") -> str:
    """A signed invitation for one registration (a path segment of the registration URL)."""
    return signing.dumps({"note": note}, salt=INVITATION_SALT, compress=True)


def invitation_valid(token: str) -> bool:
    try:
        signing.loads(token, salt=INVITATION_SALT, max_age=settings.LTI_REGISTRATION_LINK_SECONDS)
    except signing.BadSignature:
        return False
    return True


class Registration(DynamicRegistration):
    """This tool's configuration, as a platform's registration endpoint wants it."""

    client_name = "Special Exams"
    description = "Timed, proctored and practice exams with accommodations and reviews."

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def _url(self, name: str) -> str:
        return self.request.build_absolute_uri(reverse(name))

    def get_request_session(self) -> TimeoutSession:
        return TimeoutSession()

    def get_initiate_login_uri(self) -> str:
        return self._url("lti:login")

    def get_jwks_uri(self) -> str:
        return self._url("lti:jwks")

    def get_redirect_uris(self) -> list[str]:
        return [self._url("lti:launch")]

    def get_scopes(self) -> list[str]:
        return SCOPES

    def get_domain(self) -> str:
        return self.request.get_host()

    def get_target_link_uri(self) -> str:
        return self._url("lti:launch")

    def get_claims(self) -> list[str]:
        return ["iss", "sub", "name", "given_name", "family_name", "email"]

    def get_messages(self) -> list[dict[str, str]]:
        return [
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": self._url("lti:launch"),
                "label": "Special Exams",
            }
        ]

    def get_logo_uri(self) -> str:
        return self.request.build_absolute_uri(static("exams/favicon.svg"))

    def get_openid_configuration_endpoint(self) -> str:
        return str(self.request.GET.get("openid_configuration", ""))

    def get_registration_token(self) -> str:
        return str(self.request.GET.get("registration_token", "")) or None  # type: ignore[return-value]

    @transaction.atomic
    def complete_registration(
        self, openid_configuration: dict[str, Any], openid_registration: dict[str, Any]
    ) -> Platform:
        tool = openid_registration[TOOL_CONFIGURATION]
        platform, _ = Platform.objects.update_or_create(
            issuer=str(openid_configuration["issuer"]),
            client_id=str(openid_registration["client_id"]),
            defaults={
                "name": _platform_name(openid_configuration),
                "auth_login_url": str(openid_configuration["authorization_endpoint"]),
                "auth_token_url": str(openid_configuration["token_endpoint"]),
                "key_set_url": str(openid_configuration["jwks_uri"]),
                "is_active": True,
            },
        )
        if tool.get("deployment_id"):
            Deployment.objects.get_or_create(
                platform=platform, deployment_id=str(tool["deployment_id"])
            )
        return platform


def _platform_name(openid_configuration: dict[str, Any]) -> str:
    conf = openid_configuration.get("https://purl.imsglobal.org/spec/lti-platform-configuration")
    product = conf.get("product_family_code") if isinstance(conf, dict) else None
    return str(product or openid_configuration["issuer"])[:200]
