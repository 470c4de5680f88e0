"""A launch through pylti1p3, and why one is refused.

The library validates the OIDC state, the id_token's format, signature (the platform's JWKS),
expiry, registration (issuer and client id) and deployment. It does not consume the nonce,
so `nonce_consume` refuses a second launch with the same nonce here; nor does it check where
the launch points (`target_on_this_host`).
"""

import secrets
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.launch_data_storage.cache import DjangoCacheDataStorage
from pylti1p3.exception import LtiException

from lti.tool_conf import TimeoutSession, ToolConf

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
# How long a platform's key set is kept before it is fetched again.
PLATFORM_KEYS_SECONDS = 300
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/"


class LaunchRefused(Exception):
    """A launch this tool does not accept: a status, a stable code, a message for people."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _storage() -> DjangoCacheDataStorage:
    return DjangoCacheDataStorage(cache_name="default")


def oidc_login(request: HttpRequest) -> DjangoOIDCLogin:
    return DjangoOIDCLogin(request, ToolConf(), launch_data_storage=_storage())  # type: ignore[arg-type]


def message_launch(request: HttpRequest) -> DjangoMessageLaunch:
    """The launch as pylti1p3 validates it: `exp` and `iat` required, the platform's key set
    fetched with a timeout and kept a few minutes."""
    storage = _storage()
    launch = DjangoMessageLaunch(
        request, ToolConf(), launch_data_storage=storage, requests_session=TimeoutSession()
    )
    launch.set_public_key_caching(storage, cache_lifetime=PLATFORM_KEYS_SECONDS)
    launch.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})
    return launch


def message_launch_restored(request: HttpRequest, launch_id: str) -> DjangoMessageLaunch | None:
    """A launch validated earlier in this browser (the deep-linking picker's), or None."""
    try:
        restored = DjangoMessageLaunch.from_cache(
            launch_id, request, ToolConf(), launch_data_storage=_storage()
        )
    except LtiException:
        return None
    return cast(DjangoMessageLaunch, restored)


def refusal_of(error: LtiException) -> LaunchRefused:
    """The library's refusal as ours: its message says which check failed."""
    text = str(error)
    cases = [
        (
            "not found in settings",
            "lti_unknown_platform",
            _("This platform or client id is not registered with the tool."),
        ),
        (
            "is not recognised",
            "lti_unknown_deployment",
            _("This deployment is not registered with the tool."),
        ),
        ("Invalid Nonce", "lti_bad_nonce", _("This launch's nonce is unknown or was used.")),
        (
            "State not found",
            "lti_bad_state",
            _("This launch's state does not match the login it answers. Launch again."),
        ),
        (
            "Missing state",
            "lti_bad_state",
            _("This launch's state does not match the login it answers. Launch again."),
        ),
        ("Signature has expired", "lti_expired", _("This launch has expired. Launch again.")),
        ('missing the "exp" claim', "lti_expired", _("This launch has expired. Launch again.")),
        (
            "Signature verification failed",
            "lti_bad_signature",
            _("This launch's signature is not the platform's."),
        ),
    ]
    for fragment, code, message in cases:
        if fragment in text:
            return LaunchRefused(400, code, message)
    return LaunchRefused(400, "lti_invalid_launch", _("This launch is not valid: %s") % text)


def nonce_consume(claims: dict[str, Any]) -> None:
    """Refuse a launch whose nonce was already used (a replayed id_token)."""
    key = f"lti:nonce-used:{claims.get('iss')}:{claims.get('nonce')}"
    if not cache.add(key, 1, timeout=settings.LTI_NONCE_SECONDS):
        raise LaunchRefused(400, "lti_bad_nonce", _("This launch's nonce is unknown or was used."))


def target_on_this_host(request: HttpRequest, target: str | None) -> None:
    """The launch must point at this tool, not at another host."""
    if not target or urlsplit(target).netloc != request.get_host():
        raise LaunchRefused(
            400, "lti_wrong_target", _("This launch points at another site, not this tool.")
        )


MAX_KEY = 255  # the longest sub, context id or resource link id this tool stores


def claims_check(claims: dict[str, Any]) -> None:
    """What the tool needs of a validated launch: a person (`sub`), a course (`context.id`),
    and keys it can store; else refused as a launch this tool cannot take."""
    context = claims.get(CLAIM + "context")
    if not claims.get("sub") or not isinstance(context, dict) or not context.get("id"):
        raise LaunchRefused(
            400, "lti_no_context", _("Launch this tool from a course, as a signed-in person.")
        )
    link = claims.get(CLAIM + "resource_link")
    roles = claims.get(CLAIM + "roles", [])
    custom = claims.get(CLAIM + "custom", {})
    ags = claims.get(AGS_CLAIM, {})
    well_typed = (
        isinstance(roles, list)
        and all(isinstance(role, str) for role in roles)
        and isinstance(custom, dict)
        and isinstance(ags, dict)
        and isinstance(ags.get("scope", []), list)
        and all(isinstance(scope, str) for scope in ags.get("scope", []))
        and isinstance(ags.get("lineitem", ""), str)
        and (link is None or isinstance(link, dict))
    )
    if not well_typed:
        raise LaunchRefused(
            400,
            "lti_invalid_claims",
            _("This launch names its user, course or link in a way the tool cannot keep."),
        )
    keys = [claims["sub"], context["id"]]
    if isinstance(link, dict) and link.get("id"):
        keys.append(link["id"])
    if any(not isinstance(key, str | int) or len(str(key)) > MAX_KEY for key in keys):
        raise LaunchRefused(
            400,
            "lti_invalid_claims",
            _("This launch names its user, course or link in a way the tool cannot keep."),
        )


CONTINUATION_SALT = "lti.continue"
CONTINUATION_SECONDS = 300


def continuation_make(*, user_id: int, path: str) -> str:
    """A signed link token: this user, signed in where the launch leads (`path`, a path of
    this site), once, within CONTINUATION_SECONDS."""
    payload = {"u": user_id, "p": path, "j": secrets.token_urlsafe(12)}
    return signing.dumps(payload, salt=CONTINUATION_SALT, compress=True)


def continuation_take(token: str) -> tuple[int, str] | None:
    """(user id, path) of a valid, unspent token, spending it; else None."""
    try:
        payload = signing.loads(token, salt=CONTINUATION_SALT, max_age=CONTINUATION_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not str(payload.get("p", "")).startswith("/"):
        return None
    if not cache.add(f"lti:continued:{payload.get('j')}", 1, timeout=CONTINUATION_SECONDS):
        return None
    return int(payload["u"]), str(payload["p"])
