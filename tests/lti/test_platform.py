"""The test platform (tests/lti/platform.py) alone, against a fake tool written here: a WSGI
app with its JWKS, an OIDC login that redirects to the platform, and a launch that checks the
id_token with PyJWT against the platform's JWKS and with pylti1p3's message validators; the
deep-link response, grades and roster go through pylti1p3's own classes. No database."""

import json
import secrets
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import jwt
import pytest
import requests
from jwcrypto.jwk import JWK
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.message_validators import get_validators
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector

from tests.lti.platform import (
    DEEP_LINKING_REQUEST,
    INSTRUCTOR,
    JWT_BEARER,
    LEARNER,
    SCOPE_LINEITEM,
    SCOPE_NRPS,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
    SCORE_MEDIA_TYPE,
    Claim,
    LocalServer,
    PlatformUser,
    TestPlatform,
    follow_form,
)

ANN = PlatformUser("s-ann", "Ann Lee", "ann@example.com", "Ann", "Lee")
TEACHER = PlatformUser("s-teach", "Tom Teach", "tom@example.com", "Tom", "Teach")
COURSE = {"id": "course-7", "title": "Course 7", "label": "C7"}


class _Connector(ServiceConnector):
    """pylti1p3's service connector with its access tokens cached in a dict."""

    def __init__(self, registration: Registration) -> None:
        super().__init__(registration)
        self.tokens: dict[str, str] = {}

    def _get_cached_access_token(self, scope_key):
        return self.tokens.get(scope_key)

    def _cache_access_token(self, scope_key, access_token, expires_in):
        self.tokens[scope_key] = access_token


class FakeTool:
    """The smallest LTI tool, on 127.0.0.1: /lti/jwks/, /lti/login/, /lti/launch/ (which answers
    the id_token's claims as JSON, or 400 with the reason)."""

    def __init__(self, platform: TestPlatform, key: JWK) -> None:
        self.platform = platform
        self.private_pem = key.export_to_pem(private_key=True, password=None).decode()
        self.public_pem = key.export_to_pem().decode()
        self.server = LocalServer(self._app)
        self.nonces: dict[str, str] = {}
        self.logins: list[dict[str, str]] = []

    @property
    def url(self) -> str:
        return self.server.url

    def registration(self, private_pem: str | None = None) -> Registration:
        return (
            Registration()
            .set_issuer(self.platform.issuer)
            .set_client_id(self.platform.client_id)
            .set_auth_login_url(self.platform.auth_login_url)
            .set_auth_token_url(self.platform.auth_token_url)
            .set_key_set_url(self.platform.key_set_url)
            .set_tool_private_key(private_pem or self.private_pem)
            .set_tool_public_key(self.public_pem)
        )

    def connector(self) -> _Connector:
        return _Connector(self.registration())

    def _app(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/lti/jwks/":
            status, body = 200, {"keys": [dict(Registration.get_jwk(self.public_pem))]}
        elif path == "/lti/login/":
            return self._login(dict(parse_qsl(environ["QUERY_STRING"])), start_response)
        elif path == "/lti/launch/":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = dict(parse_qsl(environ["wsgi.input"].read(length).decode()))
            status, body = self._launch(form)
        else:
            status, body = 404, {"error": "not found"}
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    def _login(self, params, start_response):
        self.logins.append(params)
        state, nonce = secrets.token_urlsafe(8), secrets.token_urlsafe(8)
        self.nonces[state] = nonce
        query = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": params["client_id"],
            "redirect_uri": self.url + "/lti/launch/",
            "login_hint": params["login_hint"],
            "lti_message_hint": params["lti_message_hint"],
            "state": state,
            "nonce": nonce,
        }
        start_response(
            "302 Found", [("Location", f"{self.platform.auth_login_url}?{urlencode(query)}")]
        )
        return [b""]

    def _launch(self, form):
        nonce = self.nonces.pop(form.get("state", ""), None)
        if nonce is None:
            return 400, {"error": "unknown state"}
        try:
            return 200, self.validate(form["id_token"], nonce)
        except (jwt.PyJWTError, LtiException, ValueError, KeyError) as exc:
            return 400, {"error": f"{type(exc).__name__}: {exc}"}

    def validate(self, id_token: str, nonce: str) -> dict:
        """What a tool checks: signature against the platform's JWKS, iss, aud, exp, nonce,
        deployment, and pylti1p3's validators of the message type."""
        keys = requests.get(self.platform.key_set_url, timeout=5).json()["keys"]
        kid = jwt.get_unverified_header(id_token).get("kid")
        key = next((k for k in keys if k.get("kid") == kid), None)
        if key is None:
            raise ValueError("unknown kid")
        claims = jwt.decode(
            id_token,
            jwt.PyJWK(key).key,
            algorithms=["RS256"],
            audience=self.platform.client_id,
            issuer=self.platform.issuer,
        )
        if claims.get("nonce") != nonce:
            raise ValueError("wrong nonce")
        if claims.get(Claim.DEPLOYMENT_ID) != self.platform.deployment_id:
            raise ValueError("unknown deployment")
        for validator in get_validators():
            if validator.can_validate(claims):
                validator.validate(claims)
        return claims


@pytest.fixture(scope="module")
def keys():
    return {
        "platform": JWK.generate(kty="RSA", size=2048)
        .export_to_pem(private_key=True, password=None)
        .decode(),
        "tool": JWK.generate(kty="RSA", size=2048),
        "foreign": JWK.generate(kty="RSA", size=2048)
        .export_to_pem(private_key=True, password=None)
        .decode(),
    }


@pytest.fixture
def platform(keys):
    with TestPlatform(private_key_pem=keys["platform"]) as lms:
        yield lms


@pytest.fixture
def tool(platform, keys):
    fake = FakeTool(platform, keys["tool"])
    with fake.server:
        platform.register_tool(fake.url)
        yield fake


def launch(platform, user=ANN, **kwargs):
    return platform.launch_with(requests.Session(), platform.login_url(user, **kwargs))


def assertion(tool, **claims):
    now = int(time.time())
    body = {
        "iss": tool.platform.client_id,
        "sub": tool.platform.client_id,
        "aud": tool.platform.auth_token_url,
        "iat": now,
        "exp": now + 60,
        "jti": secrets.token_urlsafe(8),
        **claims,
    }
    kid = Registration.get_jwk(tool.public_pem)["kid"]
    return jwt.encode(body, tool.private_pem, algorithm="RS256", headers={"kid": kid})


def token(platform, client_assertion, scope=SCOPE_SCORE):
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": JWT_BEARER,
        "client_assertion": client_assertion,
        "scope": scope,
    }
    return requests.post(platform.auth_token_url, data=data, timeout=5)


def grade(user=ANN, given=7.0):
    return (
        Grade()
        .set_score_given(given)
        .set_score_maximum(10)
        .set_timestamp(datetime.now(UTC))
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(user.sub)
    )


def test_a_resource_link_launch_goes_oidc_login_auth_form_post_with_the_usual_claims(
    platform, tool
):
    url = platform.login_url(
        ANN, context=COURSE, resource_link={"id": "rl-7", "title": "Midterm"}, custom={"x": "1"}
    )

    assert url.startswith(tool.url + "/lti/login/")
    initiation = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert initiation["iss"] == platform.issuer
    assert initiation["login_hint"] == ANN.sub
    assert initiation["target_link_uri"] == tool.url + "/lti/launch/"
    assert initiation["client_id"] == "special-exams-client"
    assert initiation["lti_deployment_id"] == "deployment-1"
    assert initiation["lti_message_hint"]

    response = platform.launch_with(requests.Session(), url)

    assert response.status_code == 200, response.text
    claims = response.json()
    assert claims[Claim.MESSAGE_TYPE] == "LtiResourceLinkRequest"
    assert claims[Claim.VERSION] == "1.3.0"
    assert claims[Claim.TARGET_LINK_URI] == tool.url + "/lti/launch/"
    assert claims[Claim.RESOURCE_LINK] == {"id": "rl-7", "title": "Midterm"}
    assert claims[Claim.CONTEXT]["id"] == "course-7"
    assert claims[Claim.CONTEXT]["title"] == "Course 7"
    assert claims[Claim.ROLES] == [LEARNER]
    assert claims[Claim.CUSTOM] == {"x": "1"}
    assert (claims["sub"], claims["name"], claims["email"]) == (ANN.sub, ANN.name, ANN.email)
    assert (claims["given_name"], claims["family_name"]) == ("Ann", "Lee")
    ags = claims[Claim.AGS]
    assert set(ags["scope"]) == {SCOPE_LINEITEM, SCOPE_SCORE, SCOPE_RESULT_READONLY}
    assert ags["lineitems"] == platform.lineitems_url("course-7")
    assert "lineitem" not in ags
    nrps = claims[Claim.NRPS]
    assert nrps["context_memberships_url"] == platform.context_memberships_url("course-7")
    assert platform.last_launch.claims == claims


def test_a_launch_of_a_resource_link_with_a_line_item_carries_it(platform, tool):
    line_item = platform.add_line_item(label="Final", score_maximum=20, resource_link_id="rl-9")

    claims = launch(platform, resource_link={"id": "rl-9"}).json()

    assert claims[Claim.AGS]["lineitem"] == line_item["id"]


def test_a_deep_link_response_is_checked_recorded_and_its_item_launched_with_its_line_item(
    platform, tool
):
    claims = launch(platform, TEACHER, message_type=DEEP_LINKING_REQUEST, context=COURSE).json()
    settings = claims[Claim.DEEP_LINKING]
    assert claims[Claim.MESSAGE_TYPE] == DEEP_LINKING_REQUEST
    assert claims[Claim.ROLES] == [INSTRUCTOR]
    assert Claim.RESOURCE_LINK not in claims
    assert settings["deep_link_return_url"] == platform.deep_link_return_url
    assert settings["accept_types"] == ["ltiResourceLink"]
    assert settings["accept_multiple"] is True
    assert settings["data"]

    item_url = tool.url + "/lti/launch/?exam=5"
    resource = (
        DeepLinkResource()
        .set_url(item_url)
        .set_title("Final exam")
        .set_custom_params({"exam_id": "5"})
        .set_lineitem(
            LineItem().set_label("Final exam").set_score_maximum(50).set_resource_id("exam-5")
        )
    )
    form = DeepLink(tool.registration(), platform.deployment_id, settings).output_response_form(
        [resource]
    )
    page = requests.Response()
    page._content, page.url, page.encoding = form.encode(), tool.url + "/lti/launch/", "utf-8"

    answer = follow_form(requests.Session(), page)

    assert answer.status_code == 200, answer.text
    assert platform.deep_link_items == [resource.to_dict()]
    link = platform.resource_link_for(platform.deep_link_items[0])
    (line_item,) = platform.line_items
    assert line_item["label"] == "Final exam"
    assert line_item["scoreMaximum"] == 50
    assert line_item["resourceId"] == "exam-5"
    assert line_item["resourceLinkId"] == link["resource_link"]["id"]

    item_claims = launch(platform, **link).json()

    assert item_claims[Claim.TARGET_LINK_URI] == item_url
    assert item_claims[Claim.CUSTOM] == {"exam_id": "5"}
    assert item_claims[Claim.RESOURCE_LINK]["id"] == link["resource_link"]["id"]
    assert item_claims[Claim.CONTEXT]["id"] == "course-7"
    assert item_claims[Claim.AGS]["lineitem"] == line_item["id"]


@pytest.mark.parametrize("flaw", ["foreign key", "wrong data", "wrong deployment"])
def test_a_deep_link_response_that_does_not_check_out_is_refused(platform, tool, keys, flaw):
    settings = launch(platform, TEACHER, message_type=DEEP_LINKING_REQUEST).json()[
        Claim.DEEP_LINKING
    ]
    registration = tool.registration(keys["foreign"] if flaw == "foreign key" else None)
    if flaw == "wrong data":
        settings = {**settings, "data": "forged"}
    deployment = "other" if flaw == "wrong deployment" else platform.deployment_id
    resource = DeepLinkResource().set_url(tool.url + "/lti/launch/").set_title("X")
    value = DeepLink(registration, deployment, settings).get_response_jwt([resource])

    answer = requests.post(platform.deep_link_return_url, data={"JWT": value}, timeout=5)

    assert answer.status_code == 400
    assert platform.deep_link_items == []


def test_deep_linked_line_items_take_the_title_as_label_and_need_a_score_maximum(platform, tool):
    settings = launch(platform, TEACHER, message_type=DEEP_LINKING_REQUEST).json()[
        Claim.DEEP_LINKING
    ]
    deep_link = DeepLink(tool.registration(), platform.deployment_id, settings)
    plain = DeepLinkResource().set_url(tool.url + "/lti/launch/").set_title("Practice")
    graded = DeepLinkResource().set_url(tool.url + "/lti/launch/").set_title("Graded")
    no_maximum = DeepLinkResource().set_url(tool.url + "/lti/launch/").set_title("Broken")

    refused = requests.post(
        platform.deep_link_return_url,
        data={"JWT": deep_link.get_response_jwt([no_maximum.set_lineitem(LineItem())])},
        timeout=5,
    )
    accepted = requests.post(
        platform.deep_link_return_url,
        data={
            "JWT": deep_link.get_response_jwt(
                [plain, graded.set_lineitem(LineItem().set_score_maximum(5))]
            )
        },
        timeout=5,
    )

    assert refused.status_code == 400
    assert "scoreMaximum" in refused.text
    assert accepted.status_code == 200
    assert [item["title"] for item in platform.deep_link_items] == ["Practice", "Graded"]
    (line_item,) = platform.line_items
    assert (line_item["label"], line_item["scoreMaximum"]) == ("Graded", 5)
    assert line_item["resourceLinkId"] == platform.resource_link_for(1)["resource_link"]["id"]
    assert platform.line_item_for(platform.resource_link_for(0)["resource_link"]["id"]) is None


def test_a_score_goes_through_a_client_credentials_token_and_is_recorded(platform, tool):
    line_item = platform.add_line_item(label="Exam", score_maximum=10, resource_link_id="rl-s")
    claims = launch(platform, resource_link={"id": "rl-s"}).json()
    ags = AssignmentsGradesService(tool.connector(), claims[Claim.AGS])

    ags.put_grade(grade())

    (score,) = platform.scores
    assert score["line_item_id"] == line_item["id"]
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == (ANN.sub, 7.0, 10)
    assert score["activityProgress"] == "Completed"
    assert platform.token_requests[0]["status"] == 200
    assert list(ags.get_lineitems()) == [line_item]
    assert ags.get_lineitem().get_label() == "Exam"
    (result,) = ags.get_grades(ags.get_lineitem())
    assert (result["userId"], result["resultScore"]) == (ANN.sub, 7.0)


def test_the_token_and_score_endpoints_refuse_what_does_not_check_out(platform, tool, keys):
    line_item = platform.add_line_item(label="Exam", resource_link_id="rl-r")
    scores_url = line_item["id"] + "/scores"
    body = grade().get_value()
    score_type = {"Content-Type": SCORE_MEDIA_TYPE}

    assert requests.post(scores_url, data=body, headers=score_type, timeout=5).status_code == 401
    foreign = assertion(tool)
    foreign = jwt.encode(
        jwt.decode(foreign, options={"verify_signature": False}),
        keys["foreign"],
        algorithm="RS256",
        headers=jwt.get_unverified_header(foreign),
    )
    assert token(platform, foreign).status_code == 401
    assert token(platform, assertion(tool, aud="https://elsewhere")).status_code == 401
    assert token(platform, assertion(tool, sub="someone")).status_code == 401
    replayed = assertion(tool)
    assert token(platform, replayed).status_code == 200
    assert token(platform, replayed).json()["error"] == "invalid_client"
    assert token(platform, assertion(tool), scope="https://example.com/x").status_code == 400

    roster_only = token(platform, assertion(tool), scope=SCOPE_NRPS).json()["access_token"]
    bearer = {"Authorization": f"Bearer {roster_only}"}
    assert requests.post(scores_url, data=body, headers=bearer | score_type).status_code == 401
    scoring = token(platform, assertion(tool)).json()["access_token"]
    bearer = {"Authorization": f"Bearer {scoring}"}
    as_json = bearer | {"Content-Type": "application/json"}
    assert requests.post(scores_url, data=body, headers=as_json, timeout=5).status_code == 415
    no_user = json.dumps({k: v for k, v in json.loads(body).items() if k != "userId"})
    answer = requests.post(scores_url, data=no_user, headers=bearer | score_type, timeout=5)
    assert answer.status_code == 400
    assert platform.scores == []
    answer = requests.post(scores_url, data=body, headers=bearer | score_type, timeout=5)
    assert answer.status_code == 200
    assert len(platform.scores) == 1


def test_the_roster_is_paged_with_a_link_header(platform, tool):
    members = [PlatformUser(f"s-{n}", f"User {n}") for n in range(5)]
    for member in members:
        platform.add_member(member, ["Learner"], context=COURSE)
    platform.add_member(TEACHER, [INSTRUCTOR], context=COURSE)
    platform.nrps_page_size = 2
    url = platform.context_memberships_url("course-7")
    access = token(platform, assertion(tool), scope=SCOPE_NRPS).json()["access_token"]

    first = requests.get(url, headers={"Authorization": f"Bearer {access}"}, timeout=5)

    assert first.status_code == 200
    assert first.headers["Content-Type"].startswith(
        "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
    )
    assert first.headers["Link"].endswith('>; rel="next"')
    assert first.json()["context"]["id"] == "course-7"
    assert len(first.json()["members"]) == 2

    roster = NamesRolesProvisioningService(tool.connector(), {"context_memberships_url": url})
    everyone = roster.get_members()

    assert [m["user_id"] for m in everyone] == [m.sub for m in members] + [TEACHER.sub]
    assert everyone[0]["roles"] == [LEARNER]
    assert everyone[0]["status"] == "Active"
    assert requests.get(url, timeout=5).status_code == 401


def test_the_token_endpoint_down_answers_503_and_no_score_arrives(platform, tool):
    platform.add_line_item(label="Exam", resource_link_id="rl-d")
    claims = launch(platform, resource_link={"id": "rl-d"}).json()
    platform.token_endpoint_down = True

    assert token(platform, assertion(tool)).status_code == 503
    with pytest.raises(LtiServiceException):
        AssignmentsGradesService(tool.connector(), claims[Claim.AGS]).put_grade(grade())

    assert platform.scores == []
    assert [r["status"] for r in platform.token_requests] == [503, 503]


@pytest.mark.parametrize(
    ("tamper", "foreign", "error"),
    [
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, False, "Expired"),
        ({"aud": "someone-else"}, False, "InvalidAudience"),
        ({Claim.DEPLOYMENT_ID: "deployment-x"}, False, "unknown deployment"),
        ({"iss": "https://evil.example"}, False, "InvalidIssuer"),
        (lambda claims: claims.pop(Claim.RESOURCE_LINK), False, "Resource Link"),
        (None, True, "InvalidSignature"),
    ],
)
def test_tampered_launches_are_refused_by_the_tool(platform, tool, keys, tamper, foreign, error):
    sign_with = keys["foreign"] if foreign else None

    response = launch(platform, tamper=tamper, sign_with=sign_with)

    assert response.status_code == 400
    assert error in response.json()["error"]


def test_a_replayed_launch_is_refused_by_the_tool(platform, tool):
    session = requests.Session()
    assert launch(platform).status_code == 200

    assert platform.replay(session).status_code == 400


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"lti_message_hint": "unknown"}, "lti_message_hint"),
        ({"client_id": "other-client"}, "invalid authentication request"),
        ({"redirect_uri": "https://evil.example/launch"}, "redirect_uri"),
        ({"login_hint": "s-other"}, "login_hint"),
        ({"nonce": ""}, "invalid authentication request"),
        ({"response_mode": "query"}, "response_mode"),
    ],
)
def test_the_auth_endpoint_refuses_a_request_that_does_not_match_the_launch(
    platform, tool, change, reason
):
    url = platform.login_url(ANN)
    to_auth = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    params = {key: values[0] for key, values in parse_qs(urlsplit(to_auth).query).items()}

    answer = requests.get(platform.auth_login_url, params=params | change, timeout=5)

    assert answer.status_code == 400
    assert reason in answer.text
    assert platform.launches == []


def test_id_token_for_signs_with_the_platform_key_without_the_round_trip(platform, tool):
    value = platform.id_token_for(ANN, nonce="n-1", custom={"k": "v"}, tamper={"name": None})

    key = jwt.PyJWK(platform.jwks()["keys"][0]).key
    claims = jwt.decode(value, key, algorithms=["RS256"], audience=platform.client_id)
    assert claims["nonce"] == "n-1"
    assert claims[Claim.CUSTOM] == {"k": "v"}
    assert "name" not in claims
    assert platform.last_launch.id_token == value


def test_the_index_page_lists_the_settings_and_start_links_redirect_to_the_tool(platform, tool):
    page = requests.get(platform.issuer + "/", timeout=5)
    start = requests.get(platform.issuer + "/start/deep-link", allow_redirects=False, timeout=5)

    assert page.status_code == 200
    assert platform.auth_token_url in page.text
    assert start.status_code == 302
    assert start.headers["Location"].startswith(platform.tool_login_url)
