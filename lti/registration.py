"""LTI Dynamic Registration 1.0: a platform's administrator pastes one URL of this tool and
the platform registers itself.

The URL carries a signed invitation (`manage.py lti_registration_url`, valid for
LTI_REGISTRATION_LINK_SECONDS): without it anyone could register a platform of their own
here. pylti1p3's `DynamicRegistration` reads the platform's OpenID configuration, sends this
tool's configuration to its registration endpoint and hands back what the platform answered;
`complete_registration` stores it as a Platform with its deployment. An invitation registers
one platform, and never one whose issuer is registered already: a registration cannot take
over another (support staff change registrations in the admin).
"""

import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pylti1p3.dynamic_registration import DynamicRegistration

from lti.models import Deployment, Platform, UsedInvitation
from lti.tool_conf import TimeoutSession

INVITATION_SALT = "lti.registration"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


class RegistrationRefused(Exception):
    """A registration this tool does not take: a stable code and a message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def invitation_make(*, note: str = "") -> str:
    """A signed invitation for one registration (a path segment of the registration URL)."""
    payload = {"jti": secrets.token_urlsafe(16), "note": note}
    return signing.dumps(payload, salt=INVITATION_SALT, compress=True)


def invitation_jti(token: str) -> str | None:
    """The invitation's id if it is ours, in date and unspent; else None."""
    try:
        payload = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.LTI_REGISTRATION_LINK_SECONDS
        )
    except signing.BadSignature:
        return None
    jti = str(payload.get("jti") or "") if isinstance(payload, dict) else ""
    if not jti or UsedInvitation.objects.filter(jti=jti).exists():
        return None
    return jti


def configuration_url_allowed(url: str) -> bool:
    """A platform's OpenID configuration is read over HTTPS (plain HTTP only on this
    machine, for the demo and the tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and parts.hostname in LOOPBACK


class Registration(DynamicRegistration):
    """This tool's configuration, as a platform's registration endpoint wants it."""

    client_name = "Special Exams"
    description = "Timed, proctored and practice exams with accommodations and reviews."

    def __init__(self, request: HttpRequest, jti: str) -> None:
        self.request = request
        self.jti = jti

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
        """Store a new platform: never one that takes over a registered issuer, never from a
        configuration whose issuer is another host than the one that served it, and once per
        invitation."""
        tool = openid_registration[TOOL_CONFIGURATION]
        issuer = str(openid_configuration["issuer"])
        if urlsplit(issuer).netloc != urlsplit(self.get_openid_configuration_endpoint()).netloc:
            raise RegistrationRefused(
                "lti_registration_failed",
                _("The platform's issuer is not the host that served its configuration."),
            )
        if Platform.objects.filter(issuer=issuer).exists():
            raise RegistrationRefused(
                "lti_issuer_registered",
                _(
                    "This platform is already registered. Support staff change its "
                    "registration in the administration."
                ),
            )
        platform = Platform.objects.create(
            issuer=issuer,
            client_id=str(openid_registration["client_id"]),
            name=_platform_name(openid_configuration),
            auth_login_url=str(openid_configuration["authorization_endpoint"]),
            auth_token_url=str(openid_configuration["token_endpoint"]),
            key_set_url=str(openid_configuration["jwks_uri"]),
        )
        try:
            with transaction.atomic():
                UsedInvitation.objects.create(
                    jti=self.jti, used_at=timezone.now(), platform=platform
                )
        except IntegrityError:
            raise RegistrationRefused(
                "lti_bad_invitation",
                _("This registration link is not valid or has expired. Ask for a new one."),
            ) from None
        if isinstance(tool, dict) and tool.get("deployment_id"):
            Deployment.objects.get_or_create(
                platform=platform, deployment_id=str(tool["deployment_id"])
            )
        return platform


def _platform_name(openid_configuration: dict[str, Any]) -> str:
    conf = openid_configuration.get("https://purl.imsglobal.org/spec/lti-platform-configuration")
    product = conf.get("product_family_code") if isinstance(conf, dict) else None
    return str(product or openid_configuration["issuer"])[:200]
