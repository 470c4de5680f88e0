"""An LTI 1.3 Advantage *platform* for the tests and a local demo, built on lti1p3platform 0.1.8.

    with TestPlatform() as lms:
        lms.register_tool(live_server.url)          # {tool}/lti/login/, /lti/launch/, /lti/jwks/
        url = lms.login_url(PlatformUser("s-1", "Ann Lee", "ann@example.com"))
        response = lms.launch_with(requests.Session(), url)   # the tool's answer to the launch

Run ``python -m tests.lti.platform --tool http://127.0.0.1:8000 --port 8800`` for a platform in
the foreground: it prints what a tool admin registers and serves an index page at ``/`` with
launch links, the deep-linked items and the scores received.

Endpoints (all on 127.0.0.1): ``/jwks`` (key_set_url), ``/auth`` (auth_login_url), ``/token``
(auth_token_url), ``/deep_links`` (deep_link_return_url), ``/contexts/<c>/lineitems[/<id>]``,
``.../<id>/scores``, ``.../<id>/results``, ``/contexts/<c>/memberships``, ``/`` and ``/start/...``
(the demo's launch links).

The library's part (lti1p3platform)
-----------------------------------
* ``Registration``: the platform's key pair, its JWK, kid and JWKS, signing JWTs.
* ``LTI1P3PlatformConfAbstract``: the JWKS document, fetching the tool's JWKS, verifying a JWT the
  tool signed, the client-credentials grant (``get_access_token``: client assertion verified
  against the tool's JWKS, access token issued), the deep-linking response check
  (``validate_deeplinking_resp``: signature, message type, content item types) and the bearer
  token check (``validate_token``).
* ``OIDCLoginAbstract.prepare_preflight_url``: the third-party login initiation URL.
* ``LTIAdvantageMessageLaunchAbstract``: the authentication request check (nonce, state,
  redirect_uri, client_id), the id_token claims (base message, version, deployment id,
  target_link_uri, user, roles, context, resource link, custom, AGS endpoint, NRPS,
  deep_linking_settings) and their signature; the launch form is the library's launch.html.
* ``AssignmentsGradesService`` / ``NamesRoleProvisioningService``: the bearer token, scope and
  method checks, the handlers of line items, scores, results and memberships, their media types
  and next-page URLs.

Ours (glue): a stdlib WSGI server and router, a WSGI ``Request`` adapter, the library ``Response``
to HTTP, in-memory storage (contexts, members, line items, scores, deep-linked items) and the test
helpers (``launch_with``, ``follow_form``, ``replay``, ``id_token_for``, tampering).

Gaps of the library, and the thin glue that fills them
------------------------------------------------------
1. Its framework adapters need Django or FastAPI, and its template module needs Jinja2 and
   pkg_resources: we adapt WSGI ourselves and fill the library's launch.html with two escaped
   values.
2. The authentication request check ignores login_hint, lti_message_hint, response_type, scope,
   response_mode, prompt and whether redirect_uri is registered: checked in ``prepare_launch``
   (the library's hook).
3. JWTs from the tool are verified with ``verify_aud`` off and no claim checks. After the library
   has verified the signature we check a client assertion's iss and sub (the client id), aud
   (the token URL), exp and jti (no replay), and a deep-linking response's iss (client id), aud
   (issuer), deployment id and the ``data`` of the request it answers.
4. The token endpoint ignores client_assertion_type and grants tokens with no scope: refused by
   us (invalid_request, invalid_scope).
5. ``validate_token`` lets in a token with any one of a service's scopes: each endpoint narrows
   the service's allowed scopes to the ones it needs (score for scores, lineitem or
   lineitem.readonly for line items, result.readonly for results).
6. A bad bearer JWT raises PyJWT errors past the library's ``handle_resp``: we answer 401.
7. Memberships are paged only when the tool sends ``limit``, and ``page``/``limit`` must be ints:
   we default ``limit`` to ``nrps_page_size`` and parse both as ints. The library's (Django)
   Link header is ``rel=next`` without the quotes pylti1p3 needs: we write ``rel="next"``.
8. Scores are not validated (a TODO in the library): we require the score media type, userId,
   activityProgress, gradingProgress and timestamp (and scoreMaximum with scoreGiven).
9. The tool's JWKS is cached on the registration for good: we build the registration per
   request, so every validation fetches the tool's current JWKS (its key rotation works).
10. ``deep_linking_settings.data`` is typed as a dict: we pass an opaque string, as the spec does.
11. Nothing to build bad launches with: ``tamper``/``sign_with`` decode the id_token the library
    signed, change its claims and sign it again with the library's ``Registration``.
12. Deep linking stops at the content items: making line items of their ``lineItem`` (label
    defaulting to the item's title, scoreMaximum a positive number, else 400) and resource link
    ids for them is ours.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import re
import secrets
import signal
import socketserver
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin
from wsgiref.headers import Headers
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
import requests
from jwcrypto.jwk import JWK
from lti1p3platform import exceptions as lti_errors
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.response import Response
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
)

LIS_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LEARNER = LIS_MEMBERSHIP + "Learner"
INSTRUCTOR = LIS_MEMBERSHIP + "Instructor"
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

DEFAULT_CONTEXT = {"id": "course-1", "title": "Course 1", "label": "C1"}
DEFAULT_RESOURCE_LINK = {"id": "resource-link-1", "title": "Exam 1"}


class Claim:
    """Claim names of LTI messages, for ``tamper`` mappings and assertions."""

    _LTI = "https://purl.imsglobal.org/spec/lti/claim/"
    MESSAGE_TYPE = _LTI + "message_type"
    VERSION = _LTI + "version"
    DEPLOYMENT_ID = _LTI + "deployment_id"
    TARGET_LINK_URI = _LTI + "target_link_uri"
    RESOURCE_LINK = _LTI + "resource_link"
    CONTEXT = _LTI + "context"
    ROLES = _LTI + "roles"
    CUSTOM = _LTI + "custom"
    LAUNCH_PRESENTATION = _LTI + "launch_presentation"
    AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
    NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
    DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
    DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"


# A mapping merged into the claims (a None value removes the claim), or a function that changes
# the claims dict it is given in place (what it returns is ignored).
Tamper = Mapping[str, Any] | Callable[[dict[str, Any]], object] | None


def generate_private_key() -> str:
    """A new RSA-2048 private key, PEM (the platform's own, or a foreign one for ``sign_with``)."""
    return (
        JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None).decode()
    )


@dataclass(frozen=True)
class PlatformUser:
    """A user of the platform, as the id_token and the roster show them."""

    sub: str
    name: str = ""
    email: str = ""
    given_name: str = ""
    family_name: str = ""


@dataclass
class LaunchRequest:
    """What ``login_url`` remembered under its ``lti_message_hint``."""

    hint: str
    user: PlatformUser
    message_type: str
    roles: list[str]
    context: dict[str, str]
    resource_link: dict[str, str] | None
    custom: dict[str, Any]
    target_link_uri: str
    deep_link_return_url: str | None = None
    data: str | None = None
    extra_claims: dict[str, Any] = field(default_factory=dict)
    tamper: Tamper = None
    sign_with: str | None = None


@dataclass
class IssuedLaunch:
    """An id_token the platform issued: what it answered to one authentication request."""

    request: LaunchRequest
    id_token: str
    state: str
    redirect_uri: str
    claims: dict[str, Any]


@dataclass
class _Context:
    id: str
    title: str
    label: str
    slug: str
    members: list[dict[str, Any]] = field(default_factory=list)
    line_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    resource_links: set[str] = field(default_factory=set)


# --- HTTP glue: a stdlib WSGI server on 127.0.0.1 ----------------------------------------------


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look the host name up (socket.getfqdn): not needed.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "127.0.0.1"
        self.server_port = self.server_address[1]
        self.setup_environ()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class LocalServer:
    """A WSGI app served on 127.0.0.1 by a daemon thread (port 0: a free one)."""

    def __init__(self, app: Callable[..., Any], port: int = 0) -> None:
        self.app = app
        self.port = port
        self._server: _ThreadingWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> LocalServer:
        if self._server is None:
            self._server = make_server(
                "127.0.0.1",
                self.port,
                self.app,
                server_class=_ThreadingWSGIServer,
                handler_class=_QuietHandler,
            )
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Request(Request):
    """The library's Request over metadata we build (it ships only Django and FastAPI ones)."""

    def build_metadata(self, request: TRequest) -> TRequest:
        return request


def _metadata(environ: dict[str, Any]) -> TRequest:
    query: dict[str, Any] = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    for name in ("page", "limit"):
        if str(query.get(name, "")).isdigit():
            query[name] = int(query[name])
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    content_type = environ.get("CONTENT_TYPE", "")
    form = {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
    data = None
    if "json" in content_type and body:
        try:
            data = json.loads(body)
        except ValueError:
            data = None
    headers = [
        (key[5:].replace("_", "-").title(), value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    ]
    return {
        "method": environ.get("REQUEST_METHOD", "GET"),
        "form_data": form,
        "get_data": query,
        "headers": Headers([*headers, ("Content-Type", content_type)]),
        "content_type": content_type,
        "path": environ.get("PATH_INFO", "/"),
        "json": data,
    }


_Reply = tuple[int, list[tuple[str, str]], bytes]


def _reply(status: int, body: str | bytes = b"", content_type: str = "text/plain") -> _Reply:
    data = body.encode() if isinstance(body, str) else body
    kind = content_type + "; charset=utf-8" if content_type.startswith("text/") else content_type
    return status, [("Content-Type", kind)], data


def _json(status: int, data: Any, media_type: str = "application/json") -> _Reply:
    return _reply(status, json.dumps(data), media_type)


def _from_library(resp: Response) -> _Reply:
    """A library Response as HTTP: a page's content as the body, its next URL as a Link header."""
    if not 200 <= resp.code < 300:
        return _json(resp.code, {"error": resp.message})
    result, links = resp.result, []
    if isinstance(result, dict):
        if result.get("next"):
            links.append(("Link", f'<{result["next"]}>; rel="next"'))
        if "content" in result:
            result = result["content"]
        else:
            result = {key: value for key, value in result.items() if key != "next"}
    if result is None:
        return _reply(resp.code)
    status, headers, body = _json(resp.code, result, resp.media_type)
    return status, headers + links, body


def _launch_form(values: Mapping[str, Any]) -> str:
    """The library's launch.html, its ``{{ name }}`` filled with escaped values."""
    template = resources.files("lti1p3platform.framework").joinpath("templates", "launch.html")
    return re.sub(
        r"\{\{\s*(\w+)\s*\}\}",
        lambda match: html.escape(str(values.get(match.group(1), ""))),
        template.read_text(encoding="utf-8"),
    )


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.method = "get"
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attributes.get("action") or ""
            self.method = (attributes.get("method") or "get").lower()
            self._inside = True
        elif tag == "input" and self._inside and attributes.get("name"):
            self.fields[str(attributes["name"])] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def follow_form(
    session: requests.Session,
    response: requests.Response,
    *,
    data: Mapping[str, str] | None = None,
    timeout: float = 10,
) -> requests.Response:
    """Submit the first form of an HTML response (an auto-submit launch or deep-link form) as a
    browser would, with ``data`` overriding its fields; the answer, redirects followed."""
    parser = _FormParser()
    parser.feed(response.text)
    if parser.action is None:
        raise ValueError(f"no form in the answer of {response.url}: {response.text[:300]!r}")
    url = urljoin(response.url, parser.action)
    fields = {**parser.fields, **(data or {})}
    if parser.method == "post":
        return session.post(url, data=fields, timeout=timeout)
    return session.get(url, params=fields, timeout=timeout)


def _apply_tamper(claims: dict[str, Any], tamper: Tamper) -> dict[str, Any]:
    if tamper is None:
        return claims
    if callable(tamper):
        tamper(claims)
        return claims
    for name, value in tamper.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


def _full_role(role: str) -> str:
    return role if ":" in role else LIS_MEMBERSHIP + role


# --- The library's abstract classes, configured -------------------------------------------------


class _PlatformConf(LTI1P3PlatformConfAbstract):
    """One registration (this platform, the registered tool), built per request."""

    def init_platform_config(self, **kwargs: Any) -> None:
        platform: TestPlatform = kwargs["platform"]
        tool = platform._require_tool()
        registration = (
            Registration()
            .set_iss(platform.issuer)
            .set_client_id(platform.client_id)
            .set_deployment_id(platform.deployment_id)
            .set_launch_url(tool["launch"])
            .set_deeplink_launch_url(kwargs.get("deeplink_launch_url") or tool["launch"])
            .set_oidc_login_url(tool["login"])
            .set_platform_public_key(platform._public_key)
            .set_platform_private_key(platform._private_key)
        )
        if platform.tool_key_set is not None:
            registration.set_tool_key_set(platform.tool_key_set)
        else:
            registration.set_tool_key_set_url(tool["jwks"])
        self._registration = registration
        self.set_accepted_deeplinking_types(["ltiResourceLink"])

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        assert self._registration is not None
        return self._registration


class _OIDCLogin(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class _MessageLaunch(LTIAdvantageMessageLaunchAbstract):
    def __init__(self, request: Request, conf: _PlatformConf, platform: TestPlatform) -> None:
        super().__init__(request, conf)
        self._platform = platform
        self.launch_request: LaunchRequest | None = None
        self.issued: IssuedLaunch | None = None
        self.set_id_token_expiration(platform.id_token_lifetime)

    def prepare_launch(self, preflight_response: dict[str, Any], **kwargs: Any) -> None:
        request = self._platform._launch_requests.get(
            preflight_response.get("lti_message_hint", "")
        )
        problem = self._platform._auth_request_problem(preflight_response, request)
        if problem or request is None:
            raise lti_errors.PreflightRequestValidationException(problem)
        self.launch_request = request
        user = request.user
        self.set_user_data(user.sub, request.roles, user.name or None, user.email or None)
        names = {"given_name": user.given_name, "family_name": user.family_name}
        self.set_extra_claims({key: value for key, value in names.items() if value})
        context = request.context
        self.set_launch_context_claim(
            context["id"], [COURSE_OFFERING], context.get("title"), context.get("label")
        )
        if request.custom:
            self.set_custom_parameters_claim(dict(request.custom))
        if request.message_type == DEEP_LINKING_REQUEST:
            assert request.deep_link_return_url
            # accept_types/extra_data: typed as set/dict by the library; data is a string (gap 10).
            self.set_dl(
                request.deep_link_return_url,
                title=context.get("title", ""),
                accept_types={"ltiResourceLink"},
                extra_data=request.data,  # type: ignore[arg-type]
            )
        else:
            self._prepare_resource_link(request)
        self.set_extra_claims(dict(request.extra_claims))

    def _prepare_resource_link(self, request: LaunchRequest) -> None:
        self.set_launch_url(request.target_link_uri)
        if request.resource_link:
            link = request.resource_link
            self.set_resource_link_claim(link["id"], link.get("description"), link.get("title"))
            line_item = self._platform.line_item_for(link["id"], context=request.context["id"])
            self.set_ags(
                self._platform.lineitems_url(request.context["id"]),
                line_item["id"] if line_item else None,
            )
        self.set_nrps(self._platform.context_memberships_url(request.context["id"]))
        if request.message_type != RESOURCE_LINK_REQUEST:
            self.set_extra_claims({Claim.MESSAGE_TYPE: request.message_type})

    def generate_launch_request(self) -> Any:
        data = super().generate_launch_request()
        assert self.launch_request is not None and self._redirect_url is not None
        self.issued = self._platform._issued(self.launch_request, data, self._redirect_url)
        return {"id_token": self.issued.id_token, "state": self.issued.state}

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> str:
        return _launch_form(launch_data)


def _page(items: list[Any], page: int = 1, limit: int | None = None) -> dict[str, Any]:
    if not limit:
        return {"content": items, "has_next": False}
    start = (max(int(page), 1) - 1) * int(limit)
    return {"content": items[start : start + int(limit)], "has_next": start + limit < len(items)}


class _Ags(AssignmentsGradesService):
    """The library's AGS endpoints over one context's line items and the platform's scores."""

    def __init__(
        self,
        request: Request,
        platform: TestPlatform,
        context: _Context,
        scopes: list[str],
        lineitem_url: str | None = None,
    ) -> None:
        super().__init__(
            request, platform._conf(), platform.lineitems_url(context.id), lineitem_url
        )
        self._platform = platform
        self._context = context
        self._scopes = scopes

    @property
    def allowed_scopes(self) -> list[str]:
        return self._scopes

    def find_lineitems(  # type: ignore[override]
        self,
        page: int = 1,
        limit: int | None = None,
        line_item_id: str | None = None,
        resource_link_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
        **ignored: Any,
    ) -> dict[str, Any]:
        wanted = {"resourceLinkId": resource_link_id, "resourceId": resource_id, "tag": tag}
        items = [
            dict(item)
            for item in self._context.line_items.values()
            if all(value is None or item.get(key) == value for key, value in wanted.items())
        ]
        return _page(items, page, limit)

    def find_lineitem(self, line_item_id: str) -> Any:
        item = self._context.line_items.get(line_item_id)
        if item is None:
            raise lti_errors.LineItemNotFoundException(line_item_id)
        return item

    def create_lineitem(self, creation_data: Any) -> Any:
        if not isinstance(creation_data, dict):
            raise lti_errors.LtiServiceException("A line item must be a JSON object", 400)
        return self._platform._new_line_item(self._context, creation_data)

    def update_lineitem(self, update_data: Any) -> Any:
        item = self.find_lineitem(update_data["id"])
        with self._platform._lock:
            item.update({key: value for key, value in update_data.items() if key != "id"})
        return item

    def delete_lineitem(self, line_item_id: str) -> None:
        self.find_lineitem(line_item_id)
        with self._platform._lock:
            del self._context.line_items[line_item_id]

    def update_score(self, line_item_id: str, score: Any) -> UpdateScoreStatus:
        item = self.find_lineitem(line_item_id)
        assert self.request is not None
        if not (self.request.content_type or "").startswith(SCORE_MEDIA_TYPE):
            raise lti_errors.LtiServiceException(f"Content-Type must be {SCORE_MEDIA_TYPE}", 415)
        problem = _score_problem(score)
        if problem:
            raise lti_errors.LtiServiceException(problem, 400)
        with self._platform._lock:
            self._platform.scores.append({**score, "line_item_id": item["id"]})
        return UpdateScoreStatus.SUCCESS

    def get_results(  # type: ignore[override]
        self,
        line_item_id: str,
        page: int = 1,
        limit: int | None = None,
        user_id: str | None = None,
        **ignored: Any,
    ) -> dict[str, Any]:
        item = self.find_lineitem(line_item_id)
        latest: dict[str, dict[str, Any]] = {}
        for score in self._platform.scores:
            if score["line_item_id"] == item["id"] and user_id in (None, score["userId"]):
                latest[score["userId"]] = score
        results = [
            {
                "id": f"{item['id']}/results/{user}",
                "scoreOf": item["id"],
                "userId": user,
                "resultScore": score.get("scoreGiven"),
                "resultMaximum": score.get("scoreMaximum", 1),
                "comment": score.get("comment", ""),
            }
            for user, score in latest.items()
        ]
        return _page(results, page, limit)


def _line_items_problem(items: list[dict[str, Any]]) -> str | None:
    """Why the lineItem of a deep-linked item cannot be made (label defaults to the title)."""
    for item in items:
        line_item = item.get("lineItem")
        if line_item is None:
            continue
        if not isinstance(line_item, dict):
            return "lineItem must be an object"
        score_maximum = line_item.get("scoreMaximum")
        if not isinstance(score_maximum, int | float) or score_maximum <= 0:
            return "lineItem.scoreMaximum must be a positive number"
        if not (line_item.get("label") or item.get("title")):
            return "lineItem needs a label (or the item a title)"
    return None


def _score_problem(score: Any) -> str | None:
    if not isinstance(score, dict):
        return "A score must be a JSON object"
    required = ("userId", "activityProgress", "gradingProgress", "timestamp")
    missing = [name for name in required if name not in score]
    if missing:
        return "A score needs " + ", ".join(missing)
    if "scoreGiven" in score and "scoreMaximum" not in score:
        return "A score with scoreGiven needs scoreMaximum"
    return None


class _Nrps(NamesRoleProvisioningService):
    """The library's memberships endpoint over one context's members."""

    def __init__(self, request: Request, platform: TestPlatform, context: _Context) -> None:
        super().__init__(request, platform._conf(), platform.context_memberships_url(context.id))
        self._context = context

    def get_member_data_page(  # type: ignore[override]
        self,
        page: int = 1,
        limit: int | None = None,
        role: str | None = None,
        since: str | None = None,
        **ignored: Any,
    ) -> dict[str, Any]:
        members = [
            dict(member)
            for member in self._context.members
            if role is None or _full_role(role) in member["roles"]
        ]
        return _page(members, page, limit)

    def get_context_by_id(self) -> Context:
        return Context(id=self._context.id, label=self._context.label, title=self._context.title)

    def is_resource_link_valid(self, context_id: str, resource_link_id: str) -> bool:
        return resource_link_id in self._context.resource_links


# --- The platform -------------------------------------------------------------------------------

_ROUTES: list[tuple[str, str, str]] = [
    ("GET", r"/", "_index"),
    ("GET", r"/jwks", "_jwks"),
    ("GET POST", r"/auth", "_auth"),
    ("POST", r"/token", "_token"),
    ("POST", r"/deep_links", "_deep_link_return"),
    ("GET POST", r"/contexts/(?P<slug>[^/]+)/lineitems", "_lineitems"),
    ("GET PUT DELETE", r"/contexts/(?P<slug>[^/]+)/lineitems/(?P<item>[^/]+)", "_lineitem"),
    ("POST", r"/contexts/(?P<slug>[^/]+)/lineitems/(?P<item>[^/]+)/scores", "_scores"),
    ("GET", r"/contexts/(?P<slug>[^/]+)/lineitems/(?P<item>[^/]+)/results", "_results"),
    ("GET", r"/contexts/(?P<slug>[^/]+)/memberships", "_memberships"),
    ("GET", r"/start/(?P<what>[a-z-]+)(?:/(?P<index>\d+))?", "_start"),
    ("GET", r"/\.well-known/openid-configuration", "_openid_configuration"),
    ("POST", r"/register", "_dynamic_register"),
]

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"

DEMO_LEARNER = PlatformUser("learner-1", "Lea Learner", "lea@example.com", "Lea", "Learner")
DEMO_INSTRUCTOR = PlatformUser(
    "instructor-1", "Ivan Instructor", "ivan@example.com", "Ivan", "Instructor"
)


class TestPlatform:
    """An LTI 1.3 platform on 127.0.0.1 (see the module docstring). Start it (``start()`` or
    ``with``), ``register_tool()``, then ``login_url()`` and ``launch_with()``."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        *,
        port: int = 0,
        client_id: str = "special-exams-client",
        deployment_id: str = "deployment-1",
        private_key_pem: str | None = None,
    ) -> None:
        self.client_id = client_id
        self.deployment_id = deployment_id
        self._private_key = private_key_pem or ""
        self._public_key = ""
        self._server = LocalServer(self._app, port)
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._tool: dict[str, str] | None = None
        self.tool_key_set: dict[str, Any] | None = None
        self.tool_redirect_uris: list[str] = []
        self.token_endpoint_down = False
        self.nrps_page_size = 10
        self.id_token_lifetime = 300
        self.launches: list[IssuedLaunch] = []
        self.deep_link_items: list[dict[str, Any]] = []
        self.scores: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.errors: list[str] = []
        # Dynamic Registration: the token the platform hands the tool, what tools sent.
        self.registration_token = secrets.token_urlsafe(16)
        self.dynamic_registrations: list[dict[str, Any]] = []
        self._launch_requests: dict[str, LaunchRequest] = {}
        self._contexts: dict[str, _Context] = {}
        self._item_links: list[tuple[str, str | None]] = []
        self._jtis: set[str] = set()

    # Life cycle and URLs

    def start(self) -> TestPlatform:
        """Make the key pair (unless given) and serve on 127.0.0.1."""
        if not self._private_key:
            self._private_key = generate_private_key()
        key = JWK.from_pem(self._private_key.encode())
        self._public_key = key.export_to_pem().decode()
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> TestPlatform:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def issuer(self) -> str:
        return self._server.url

    @property
    def auth_login_url(self) -> str:
        return self.issuer + "/auth"

    @property
    def auth_token_url(self) -> str:
        return self.issuer + "/token"

    @property
    def key_set_url(self) -> str:
        return self.issuer + "/jwks"

    @property
    def deep_link_return_url(self) -> str:
        return self.issuer + "/deep_links"

    def jwks(self) -> dict[str, Any]:
        """The platform's public JWKS (what key_set_url serves)."""
        return {"keys": self._registration_jwks()}

    def _registration_jwks(self) -> list[dict[str, Any]]:
        return Registration().set_platform_public_key(self._public_key).get_jwks()

    def register_tool(self, tool_base_url: str, *, key_set: dict[str, Any] | None = None) -> None:
        """Register the tool: OIDC login at {tool}/lti/login/, launch at {tool}/lti/launch/, JWKS
        at {tool}/lti/jwks/ (or the fixed ``key_set`` given)."""
        base = tool_base_url.rstrip("/")
        self._tool = {
            "base": base,
            "login": base + "/lti/login/",
            "launch": base + "/lti/launch/",
            "jwks": base + "/lti/jwks/",
        }
        self.tool_key_set = key_set

    @property
    def tool_login_url(self) -> str:
        return self._require_tool()["login"]

    @property
    def tool_launch_url(self) -> str:
        return self._require_tool()["launch"]

    @property
    def tool_key_set_url(self) -> str:
        return self._require_tool()["jwks"]

    def _require_tool(self) -> dict[str, str]:
        if self._tool is None:
            raise RuntimeError("register_tool() first")
        return self._tool

    def _conf(self, deeplink_launch_url: str | None = None) -> _PlatformConf:
        return _PlatformConf(platform=self, deeplink_launch_url=deeplink_launch_url)

    # Contexts, members, line items

    def _context(self, context: Mapping[str, Any] | str | None) -> _Context:
        given = {"id": context} if isinstance(context, str) else dict(context or DEFAULT_CONTEXT)
        context_id = str(given["id"])
        with self._lock:
            found = self._contexts.get(context_id)
            if found is None:
                found = _Context(
                    id=context_id,
                    title=str(given.get("title", context_id)),
                    label=str(given.get("label", context_id)),
                    slug=f"c{len(self._contexts) + 1}",
                )
                self._contexts[context_id] = found
            elif not isinstance(context, str) and context is not None:
                found.title = str(given.get("title", found.title))
                found.label = str(given.get("label", found.label))
            return found

    def _context_by_slug(self, slug: str) -> _Context | None:
        return next((c for c in self._contexts.values() if c.slug == slug), None)

    def lineitems_url(self, context: Mapping[str, Any] | str | None = None) -> str:
        """The AGS line items container URL of a context (default: DEFAULT_CONTEXT)."""
        return f"{self.issuer}/contexts/{self._context(context).slug}/lineitems"

    def context_memberships_url(self, context: Mapping[str, Any] | str | None = None) -> str:
        """The NRPS memberships URL of a context (default: DEFAULT_CONTEXT)."""
        return f"{self.issuer}/contexts/{self._context(context).slug}/memberships"

    def add_member(
        self,
        user: PlatformUser,
        roles: list[str] | None = None,
        *,
        context: Mapping[str, Any] | str | None = None,
        status: str = "Active",
    ) -> dict[str, Any]:
        """Add a member to a context's roster (roles: URIs, or short names like "Learner")."""
        member = {
            "user_id": user.sub,
            "roles": [_full_role(role) for role in roles or [LEARNER]],
            "status": status,
            **{
                key: value
                for key, value in (
                    ("name", user.name),
                    ("email", user.email),
                    ("given_name", user.given_name),
                    ("family_name", user.family_name),
                )
                if value
            },
        }
        target = self._context(context)
        with self._lock:
            target.members.append(member)
        return member

    def add_line_item(
        self,
        *,
        label: str,
        score_maximum: float = 100,
        resource_link_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
        context: Mapping[str, Any] | str | None = None,
    ) -> dict[str, Any]:
        """Create a line item in a context; launches of ``resource_link_id`` then carry it."""
        data = {
            "label": label,
            "scoreMaximum": score_maximum,
            "resourceLinkId": resource_link_id,
            "resourceId": resource_id,
            "tag": tag,
        }
        return self._new_line_item(self._context(context), data)

    def _new_line_item(self, context: _Context, data: Mapping[str, Any]) -> dict[str, Any]:
        score_maximum = data.get("scoreMaximum")
        if not data.get("label") or not isinstance(score_maximum, int | float):
            raise lti_errors.LtiServiceException("A line item needs label and scoreMaximum", 400)
        slug = f"li{next(self._ids)}"
        item = {key: value for key, value in data.items() if value is not None and key != "id"}
        item["id"] = f"{self.lineitems_url(context.id)}/{slug}"
        with self._lock:
            context.line_items[slug] = item
            if item.get("resourceLinkId"):
                context.resource_links.add(item["resourceLinkId"])
        return item

    @property
    def line_items(self) -> list[dict[str, Any]]:
        """Every line item, of every context (AGS JSON: id, label, scoreMaximum, resourceId,
        resourceLinkId, tag)."""
        return [item for c in self._contexts.values() for item in c.line_items.values()]

    def line_item_for(
        self, resource_link_id: str, *, context: Mapping[str, Any] | str | None = None
    ) -> dict[str, Any] | None:
        """The one line item of a resource link (in a context, or in any), else None."""
        contexts = [self._context(context)] if context is not None else self._contexts.values()
        found = [
            item
            for c in contexts
            for item in c.line_items.values()
            if item.get("resourceLinkId") == resource_link_id
        ]
        return found[0] if len(found) == 1 else None

    # Launches

    def login_url(
        self,
        user: PlatformUser,
        *,
        message_type: str = RESOURCE_LINK_REQUEST,
        roles: list[str] | None = None,
        context: Mapping[str, Any] | None = None,
        resource_link: Mapping[str, Any] | None = None,
        custom: Mapping[str, Any] | None = None,
        target_link_uri: str | None = None,
        deep_link_return_url: str | None = None,
        extra_claims: Mapping[str, Any] | None = None,
        tamper: Tamper = None,
        sign_with: str | None = None,
    ) -> str:
        """The tool's OIDC login initiation URL (GET) for a launch remembered under its hint.

        Defaults: DEFAULT_CONTEXT; for resource links DEFAULT_RESOURCE_LINK and [LEARNER], for
        deep linking [INSTRUCTOR] and this platform's deep_link_return_url; the tool's launch URL
        as target_link_uri. ``tamper`` changes the signed claims, ``sign_with`` (a PEM private
        key) signs with another key (the platform's kid kept)."""
        request = self._remember(
            user,
            message_type=message_type,
            roles=roles,
            context=context,
            resource_link=resource_link,
            custom=custom,
            target_link_uri=target_link_uri,
            deep_link_return_url=deep_link_return_url,
            extra_claims=extra_claims,
            tamper=tamper,
            sign_with=sign_with,
        )
        login = _OIDCLogin(None, self._conf())
        login.set_lti_message_hint(hint=request.hint)
        login.set_launch_url(request.target_link_uri)
        return str(login.initiate_login(user.sub))

    def _remember(self, user: PlatformUser, **launch: Any) -> LaunchRequest:
        deep_linking = launch["message_type"] == DEEP_LINKING_REQUEST
        context = self._context(launch["context"])
        resource_link = None
        if not deep_linking:
            resource_link = dict(launch["resource_link"] or DEFAULT_RESOURCE_LINK)
            with self._lock:
                context.resource_links.add(str(resource_link["id"]))
        roles = launch["roles"] or ([INSTRUCTOR] if deep_linking else [LEARNER])
        request = LaunchRequest(
            hint=secrets.token_urlsafe(12),
            user=user,
            message_type=launch["message_type"],
            roles=[_full_role(role) for role in roles],
            context={"id": context.id, "title": context.title, "label": context.label},
            resource_link=resource_link,
            custom=dict(launch["custom"] or {}),
            target_link_uri=launch["target_link_uri"] or self.tool_launch_url,
            deep_link_return_url=(launch["deep_link_return_url"] or self.deep_link_return_url)
            if deep_linking
            else None,
            data=f"dl-{secrets.token_urlsafe(8)}" if deep_linking else None,
            extra_claims=dict(launch["extra_claims"] or {}),
            tamper=launch["tamper"],
            sign_with=launch["sign_with"],
        )
        with self._lock:
            self._launch_requests[request.hint] = request
        return request

    def _auth_request_problem(
        self, preflight: Mapping[str, Any], request: LaunchRequest | None
    ) -> str | None:
        if request is None:
            return "unknown lti_message_hint"
        redirects = {self.tool_launch_url, request.target_link_uri, *self.tool_redirect_uris}
        checks = [
            (preflight.get("login_hint") == request.user.sub, "login_hint is not this launch's"),
            (preflight.get("response_type") == "id_token", "response_type must be id_token"),
            ("openid" in str(preflight.get("scope", "")).split(), "scope must include openid"),
            (preflight.get("response_mode") == "form_post", "response_mode must be form_post"),
            (preflight.get("prompt") == "none", "prompt must be none"),
            (preflight.get("redirect_uri") in redirects, "redirect_uri is not registered"),
        ]
        return next((message for ok, message in checks if not ok), None)

    def _launch(self, request: Request) -> tuple[str, IssuedLaunch | None]:
        """Run the library's message launch on an authentication request: (form HTML, issued)."""
        preflight = request.get_data or request.form_data
        remembered = self._launch_requests.get(preflight.get("lti_message_hint", ""))
        target = remembered.target_link_uri if remembered else None
        launch = _MessageLaunch(request, self._conf(deeplink_launch_url=target), self)
        return launch.lti_launch(), launch.issued

    def _issued(
        self, request: LaunchRequest, data: Mapping[str, str], redirect_uri: str
    ) -> IssuedLaunch:
        id_token = data["id_token"]
        claims = jwt.decode(id_token, options={"verify_signature": False})
        if request.tamper is not None or request.sign_with:
            claims = _apply_tamper(dict(claims), request.tamper)
            kid = Registration.get_jwk(self._public_key)["kid"]
            key = request.sign_with or self._private_key
            id_token = Registration.encode_and_sign(claims, key, headers={"kid": kid})
        issued = IssuedLaunch(request, id_token, data["state"], redirect_uri, claims)
        with self._lock:
            self.launches.append(issued)
        return issued

    @property
    def last_launch(self) -> IssuedLaunch:
        """The id_token issued last (with its state, redirect_uri and claims)."""
        if not self.launches:
            raise LookupError("no launch issued yet")
        return self.launches[-1]

    def id_token_for(
        self,
        user: PlatformUser,
        *,
        nonce: str = "test-nonce",
        state: str = "test-state",
        redirect_uri: str | None = None,
        **launch: Any,
    ) -> str:
        """An id_token from the library's message launch without the OIDC round trip (``launch``:
        login_url's keyword arguments, ``tamper`` and ``sign_with`` included)."""
        defaults = dict.fromkeys(
            (
                "roles",
                "context",
                "resource_link",
                "custom",
                "target_link_uri",
                "deep_link_return_url",
                "extra_claims",
                "tamper",
                "sign_with",
            )
        )
        request = self._remember(
            user, **{"message_type": RESOURCE_LINK_REQUEST, **defaults, **launch}
        )
        preflight = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri or request.target_link_uri,
            "login_hint": user.sub,
            "lti_message_hint": request.hint,
            "nonce": nonce,
            "state": state,
        }
        metadata: TRequest = {"method": "GET", "get_data": preflight, "form_data": {}}
        _, issued = self._launch(_Request(metadata))
        assert issued is not None
        return issued.id_token

    def launch_with(
        self, session: requests.Session, url: str, *, timeout: float = 10
    ) -> requests.Response:
        """Follow a launch as a browser would: GET the tool's login URL, follow its redirect to
        auth_login_url, submit the auto-submit form to the tool. Returns the tool's answer to
        the form, or the answer at which the flow stopped (not our form: an error, a page)."""
        response = session.get(url, timeout=timeout)
        if not response.ok or not response.url.startswith(self.auth_login_url):
            return response
        return follow_form(session, response, timeout=timeout)

    def replay(
        self,
        session: requests.Session,
        launch: IssuedLaunch | None = None,
        *,
        timeout: float = 10,
    ) -> requests.Response:
        """POST an issued id_token and state (default: the last) to its redirect_uri again."""
        launch = launch or self.last_launch
        data = {"id_token": launch.id_token, "state": launch.state}
        return session.post(launch.redirect_uri, data=data, timeout=timeout)

    # Deep linking

    def resource_link_for(self, item: Mapping[str, Any] | int) -> dict[str, Any]:
        """login_url keyword arguments that launch a deep-linked ltiResourceLink (an entry of
        deep_link_items, or its index): its context, resource link, custom and url."""
        index = item if isinstance(item, int) else self._item_index(item)
        context_id, resource_link_id = self._item_links[index]
        if resource_link_id is None:
            raise ValueError("not an ltiResourceLink item")
        content = self.deep_link_items[index]
        context = self._contexts[context_id]
        link = {"id": resource_link_id}
        link.update(
            {
                k: content[f]
                for k, f in (("title", "title"), ("description", "text"))
                if content.get(f)
            }
        )
        return {
            "context": {"id": context.id, "title": context.title, "label": context.label},
            "resource_link": link,
            "custom": dict(content.get("custom") or {}),
            "target_link_uri": content.get("url") or None,
        }

    def _item_index(self, item: Mapping[str, Any]) -> int:
        for index, known in enumerate(self.deep_link_items):
            if known is item:
                return index
        return self.deep_link_items.index(dict(item))

    def _deep_link_origin(self, claims: Mapping[str, Any]) -> tuple[LaunchRequest | None, str]:
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        data = claims.get(Claim.DL_DATA)
        origin = next(
            (r for r in self._launch_requests.values() if r.data and r.data == data), None
        )
        checks = [
            (claims.get("iss") == self.client_id, "iss must be the client id"),
            (self.issuer in audiences, "aud must be the platform's issuer"),
            (claims.get(Claim.DEPLOYMENT_ID) == self.deployment_id, "unknown deployment id"),
            (origin is not None, "data does not answer a deep-linking request"),
        ]
        return origin, next((message for ok, message in checks if not ok), "")

    def _record_items(self, items: list[dict[str, Any]], context: _Context) -> None:
        for item in items:
            resource_link_id = None
            if item.get("type") == "ltiResourceLink":
                resource_link_id = f"resource-link-dl-{next(self._ids)}"
                with self._lock:
                    context.resource_links.add(resource_link_id)
                if isinstance(item.get("lineItem"), dict):
                    label = item["lineItem"].get("label") or item.get("title")
                    data = {**item["lineItem"], "label": label, "resourceLinkId": resource_link_id}
                    self._new_line_item(context, data)
            with self._lock:
                self.deep_link_items.append(item)
                self._item_links.append((context.id, resource_link_id))

    # WSGI

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        request = _Request(_metadata(environ))
        try:
            status, headers, body = self._dispatch(request)
        except Exception as exc:  # the platform answers rather than hangs
            status, headers, body = _reply(500, f"{type(exc).__name__}: {exc}")
        if status >= 400:
            with self._lock:
                self.errors.append(f"{request.method} {request.path} {status}: {body[:300]!r}")
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [*headers, ("Content-Length", str(len(body)))],
        )
        return [body]

    def _dispatch(self, request: Request) -> _Reply:
        for methods, pattern, name in _ROUTES:
            match = re.fullmatch(pattern, request.path)
            if match:
                if request.method not in methods.split():
                    return _reply(405, f"{request.method} not allowed")
                handler: Callable[..., _Reply] = getattr(self, name)
                return handler(request, **match.groupdict())
        return _reply(404, "not found")

    def _jwks(self, request: Request) -> _Reply:
        return _json(200, {"keys": self._registration_jwks()})

    # LTI Dynamic Registration 1.0: lti1p3platform has none, so this is glue of our own (the
    # platform's OpenID configuration and its registration endpoint, checking what the spec
    # requires of the tool's configuration).

    def registration_url(self, tool_register_url: str) -> str:
        """The tool's registration URL as a platform opens it: with this platform's OpenID
        configuration URL and a registration token."""
        query = urlencode(
            {
                "openid_configuration": self.issuer + "/.well-known/openid-configuration",
                "registration_token": self.registration_token,
            }
        )
        return f"{tool_register_url}{'&' if '?' in tool_register_url else '?'}{query}"

    def _openid_configuration(self, request: Request) -> _Reply:
        return _json(
            200,
            {
                "issuer": self.issuer,
                "authorization_endpoint": self.auth_login_url,
                "token_endpoint": self.auth_token_url,
                "jwks_uri": self.key_set_url,
                "registration_endpoint": self.issuer + "/register",
                "scopes_supported": [
                    SCOPE_LINEITEM,
                    SCOPE_SCORE,
                    SCOPE_RESULT_READONLY,
                    SCOPE_NRPS,
                ],
                "response_types_supported": ["id_token"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "product_family_code": "test-platform",
                    "version": "1.0",
                    "messages_supported": [
                        {"type": RESOURCE_LINK_REQUEST},
                        {"type": DEEP_LINKING_REQUEST},
                    ],
                },
            },
        )

    def _dynamic_register(self, request: Request) -> _Reply:
        if request.headers.get("Authorization") != f"Bearer {self.registration_token}":
            return _reply(401, "registration token missing or wrong")
        tool = request.json if isinstance(request.json, dict) else {}
        config = tool.get(TOOL_CONFIGURATION)
        missing = [
            name
            for name in ("initiate_login_uri", "jwks_uri", "redirect_uris", "client_name")
            if not tool.get(name)
        ]
        if not isinstance(config, dict) or not config.get("target_link_uri"):
            missing.append(TOOL_CONFIGURATION)
        if tool.get("token_endpoint_auth_method") != "private_key_jwt":
            missing.append("token_endpoint_auth_method=private_key_jwt")
        if missing:
            return _reply(400, f"tool configuration lacks {', '.join(missing)}")
        with self._lock:
            self.dynamic_registrations.append(tool)
        base = str(tool["initiate_login_uri"]).rsplit("/lti/login/", 1)[0]
        self.register_tool(base)
        answer = {
            **tool,
            "client_id": self.client_id,
            TOOL_CONFIGURATION: {**config, "deployment_id": self.deployment_id},
        }
        return _json(201, answer)

    def _auth(self, request: Request) -> _Reply:
        try:
            page, _ = self._launch(request)
        except lti_errors.PreflightRequestValidationException as exc:
            reason = str(exc) or "nonce, state, redirect_uri or client_id missing or wrong"
            return _reply(400, f"invalid authentication request: {reason}")
        return _reply(200, page, "text/html")

    def _token(self, request: Request) -> _Reply:
        form = request.form_data
        if self.token_endpoint_down:
            return self._token_refused(form, 503, "temporarily_unavailable", "token_endpoint_down")
        try:
            granted = self._conf().get_access_token(form)
        except lti_errors.MissingRequiredClaim as exc:
            return self._token_refused(form, 400, "invalid_request", str(exc))
        except lti_errors.UnsupportedGrantType:
            return self._token_refused(form, 400, "unsupported_grant_type", "client_credentials")
        except (lti_errors.LtiException, lti_errors.InvalidKeySetUrl, jwt.PyJWTError) as exc:
            return self._token_refused(form, 401, "invalid_client", f"{type(exc).__name__}: {exc}")
        problem = self._client_assertion_problem(form)
        if problem:
            return self._token_refused(form, 401, "invalid_client", problem)
        if not granted["scope"]:
            return self._token_refused(form, 400, "invalid_scope", "no scope this platform grants")
        with self._lock:
            self.token_requests.append(
                {"status": 200, "scope": form.get("scope"), "granted": granted["scope"]}
            )
        return _json(200, dict(granted))

    def _token_refused(self, form: Mapping[str, Any], status: int, error: str, why: str) -> _Reply:
        with self._lock:
            self.token_requests.append(
                {"status": status, "scope": form.get("scope"), "error": error}
            )
        return _json(status, {"error": error, "error_description": why})

    def _client_assertion_problem(self, form: Mapping[str, Any]) -> str | None:
        if form.get("client_assertion_type") != JWT_BEARER:
            return f"client_assertion_type must be {JWT_BEARER}"
        claims = jwt.decode(form["client_assertion"], options={"verify_signature": False})
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        checks = [
            (claims.get("iss") == self.client_id, "iss must be the client id"),
            (claims.get("sub") == self.client_id, "sub must be the client id"),
            (self.auth_token_url in audiences, "aud must be the token URL"),
            ("exp" in claims, "exp is missing"),
            (bool(claims.get("jti")), "jti is missing"),
        ]
        problem = next((message for ok, message in checks if not ok), None)
        if problem:
            return problem
        with self._lock:
            if claims["jti"] in self._jtis:
                return "jti already used"
            self._jtis.add(claims["jti"])
        return None

    def _deep_link_return(self, request: Request) -> _Reply:
        form = request.form_data
        if not form.get("JWT"):
            return _reply(400, "no JWT")
        try:
            items = self._conf().validate_deeplinking_resp(form)
        except (
            lti_errors.LtiException,
            lti_errors.LtiDeepLinkingResponseException,
            lti_errors.InvalidKeySetUrl,
            jwt.PyJWTError,
            KeyError,
            TypeError,
        ) as exc:
            return _reply(400, f"deep-linking response refused: {type(exc).__name__}: {exc}")
        claims = jwt.decode(form["JWT"], options={"verify_signature": False})
        origin, problem = self._deep_link_origin(claims)
        if problem or origin is None:
            return _reply(400, f"deep-linking response refused: {problem}")
        problem = _line_items_problem(items)
        if problem:
            return _reply(400, f"deep-linking response refused: {problem}")
        self._record_items(list(items), self._context(origin.context["id"]))
        titles = "".join(
            f"<li>{html.escape(str(i.get('title', i.get('type'))))}</li>" for i in items
        )
        page = f"<h1>{len(items)} item(s) received</h1><ul>{titles}</ul><a href='/'>Back</a>"
        return _reply(200, page, "text/html")

    def _service(self, service: Any, handler: Callable[..., Response], **kwargs: Any) -> _Reply:
        try:
            response = service.handle_resp(handler, **kwargs)
        except lti_errors.LineItemNotFoundException:
            response = Response(result=None, code=404, message="Not found")
        except (jwt.PyJWTError, lti_errors.LtiException) as exc:
            response = Response(result=None, code=401, message=f"Invalid token: {exc}")
        return _from_library(response)

    def _lineitems(self, request: Request, slug: str) -> _Reply:
        context = self._context_by_slug(slug)
        if context is None:
            return _reply(404, "unknown context")
        if request.method == "POST":
            ags = _Ags(request, self, context, [SCOPE_LINEITEM])
            return self._service(ags, ags.handle_create_lineitem)
        ags = _Ags(request, self, context, [SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY])
        return self._service(ags, ags.handle_get_lineitems)

    def _lineitem(self, request: Request, slug: str, item: str) -> _Reply:
        context = self._context_by_slug(slug)
        if context is None:
            return _reply(404, "unknown context")
        if request.method == "GET":
            ags = _Ags(request, self, context, [SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY])
            return self._service(ags, ags.handle_get_lineitem, line_item_id=item)
        ags = _Ags(request, self, context, [SCOPE_LINEITEM])
        handler = (
            ags.handle_update_lineitem if request.method == "PUT" else ags.handle_delete_lineitem
        )
        return self._service(ags, handler, line_item_id=item)

    def _scores(self, request: Request, slug: str, item: str) -> _Reply:
        context = self._context_by_slug(slug)
        if context is None:
            return _reply(404, "unknown context")
        ags = _Ags(request, self, context, [SCOPE_SCORE])
        return self._service(ags, ags.handle_update_score, line_item_id=item)

    def _results(self, request: Request, slug: str, item: str) -> _Reply:
        context = self._context_by_slug(slug)
        if context is None:
            return _reply(404, "unknown context")
        url = f"{self.lineitems_url(context.id)}/{item}"
        ags = _Ags(request, self, context, [SCOPE_RESULT_READONLY], lineitem_url=url)
        return self._service(ags, ags.handle_get_results, line_item_id=item)

    def _memberships(self, request: Request, slug: str) -> _Reply:
        context = self._context_by_slug(slug)
        if context is None:
            return _reply(404, "unknown context")
        request.get_data.setdefault("limit", self.nrps_page_size)
        nrps = _Nrps(request, self, context)
        return self._service(nrps, nrps.handle_get_members)

    # The demo's pages

    def _start(self, request: Request, what: str, index: str | None = None) -> _Reply:
        instructor = request.get_data.get("as") == "instructor"
        user, roles = (DEMO_INSTRUCTOR, [INSTRUCTOR]) if instructor else (DEMO_LEARNER, [LEARNER])
        if what == "learner":
            url = self.login_url(DEMO_LEARNER)
        elif what == "instructor":
            url = self.login_url(DEMO_INSTRUCTOR, roles=[INSTRUCTOR])
        elif what == "deep-link":
            url = self.login_url(DEMO_INSTRUCTOR, message_type=DEEP_LINKING_REQUEST)
        elif what == "item" and index is not None and int(index) < len(self.deep_link_items):
            url = self.login_url(user, roles=roles, **self.resource_link_for(int(index)))
        else:
            return _reply(404, "no such launch")
        return 302, [("Location", url), ("Content-Type", "text/plain")], b""

    def _index(self, request: Request) -> _Reply:
        e = html.escape
        rows = "".join(
            f"<tr><th>{e(name)}</th><td><code>{e(value)}</code></td></tr>"
            for name, value in self.settings().items()
        )
        items = "".join(
            f"<li>{e(str(item.get('title') or item.get('type')))}: "
            f"<a href='/start/item/{n}'>as learner</a>, "
            f"<a href='/start/item/{n}?as=instructor'>as instructor</a></li>"
            for n, item in enumerate(self.deep_link_items)
            if self._item_links[n][1]
        )
        line_items = "".join(
            f"<li>{e(item['label'])} (max {item['scoreMaximum']}, resource link "
            f"{e(str(item.get('resourceLinkId')))})</li>"
            for item in self.line_items
        )
        scores = "".join(
            f"<tr><td>{e(str(s.get('userId')))}</td><td>{e(str(s.get('scoreGiven')))}/"
            f"{e(str(s.get('scoreMaximum')))}</td><td>{e(str(s.get('activityProgress')))}, "
            f"{e(str(s.get('gradingProgress')))}</td><td>{e(str(s.get('timestamp')))}</td>"
            f"<td>{e(s['line_item_id'])}</td></tr>"
            for s in self.scores
        )
        errors = "".join(f"<li><code>{e(error)}</code></li>" for error in self.errors[-10:])
        page = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Test LTI platform</title>"
            "</head><body><h1>Test LTI 1.3 platform</h1>"
            f"<table>{rows}</table><h2>Launch</h2><ul>"
            "<li><a href='/start/learner'>Learner: resource link launch</a></li>"
            "<li><a href='/start/instructor'>Instructor: resource link launch</a></li>"
            "<li><a href='/start/deep-link'>Instructor: deep linking</a></li></ul>"
            f"<h2>Deep-linked items</h2><ul>{items}</ul><h2>Line items</h2><ul>{line_items}</ul>"
            "<h2>Scores</h2><table><tr><th>user</th><th>score</th><th>progress</th><th>time</th>"
            f"<th>line item</th></tr>{scores}</table><h2>Recent errors</h2><ul>{errors}</ul>"
            "</body></html>"
        )
        return _reply(200, page, "text/html")

    def settings(self) -> dict[str, str]:
        """What a tool admin registers (issuer, client id, deployment id, URLs)."""
        return {
            "issuer": self.issuer,
            "client id": self.client_id,
            "deployment id": self.deployment_id,
            "auth login URL": self.auth_login_url,
            "auth token URL": self.auth_token_url,
            "key set URL": self.key_set_url,
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A test LTI 1.3 platform, in the foreground.")
    parser.add_argument("--tool", default="http://127.0.0.1:8000", help="the tool's base URL")
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--client-id", default="special-exams-client")
    parser.add_argument("--deployment-id", default="deployment-1")
    args = parser.parse_args(argv)
    lms = TestPlatform(port=args.port, client_id=args.client_id, deployment_id=args.deployment_id)
    lms.register_tool(args.tool)
    lms.start()
    lms.add_member(DEMO_LEARNER, [LEARNER])
    lms.add_member(DEMO_INSTRUCTOR, [INSTRUCTOR])
    lms.add_line_item(label="Exam 1", resource_link_id=DEFAULT_RESOURCE_LINK["id"])
    print(f"Test LTI 1.3 platform at {lms.issuer}/, registered with the tool {args.tool}")
    for name, value in lms.settings().items():
        print(f"  {name + ':':16} {value}")
    print(f"  {'tool login:':16} {lms.tool_login_url}")
    print(f"  {'tool launch:':16} {lms.tool_launch_url}")
    print(f"  {'tool JWKS:':16} {lms.tool_key_set_url}")
    print("Launch (open in a browser):")
    print(f"  learner, resource link:  {lms.issuer}/start/learner")
    print(f"  instructor, deep linking: {lms.issuer}/start/deep-link")
    print(f"  instructor, resource link: {lms.issuer}/start/instructor")
    print("Ctrl-C stops.")
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    finally:
        lms.stop()
        print("Stopped.")


if __name__ == "__main__":
    main()
