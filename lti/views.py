"""The LTI endpoints: login initiation, launch, the tool's JWKS, and the deep-linking picker.

Login and launch come from another site (the platform) without our CSRF token: the OIDC
state and the id_token's signature stand in for it, so both are CSRF-exempt. Every refusal
is a page with its status, stable code and message, and creates nothing.
"""

from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import requests
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from exams import integrations
from exams.exceptions import DomainError, NotFound
from exams.models import Exam, ExamType
from exams.permissions import access_course_as_staff
from exams.policy import Action
from lti import keys, registration, roster
from lti.launches import (
    CLAIM,
    DEEP_LINKING,
    LaunchRefused,
    claims_check,
    continuation_make,
    continuation_take,
    message_launch,
    message_launch_restored,
    nonce_consume,
    oidc_login,
    refusal_of,
    target_on_this_host,
)
from lti.models import Deployment, LaunchContext, LaunchUser
from lti.services import EXAM_PARAMETER, Launched, is_staff_launch, launch_record
from lti.tool_conf import platform_of

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _in_platform_frame(response: HttpResponse, *, posts_to: str = "") -> HttpResponse:
    """A launch's pages may show inside the platform's frame (LMSs open tools there); the
    deep-linking answer also posts back to the platform. Every other page of the site
    refuses to be framed."""
    response.xframe_options_exempt = True
    extra = {"frame-ancestors": ["*"]}
    if posts_to:
        parts = urlsplit(posts_to)
        extra["form-action"] = [f"{parts.scheme}://{parts.netloc}"]
    response.csp_extra = extra  # type: ignore[attr-defined]
    return response


def _refused(request: HttpRequest, refusal: LaunchRefused) -> HttpResponse:
    context = {"code": refusal.code, "message": refusal.message}
    return _in_platform_frame(render(request, "lti/refused.html", context, status=refusal.status))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def login_initiation(request: HttpRequest) -> HttpResponse:
    """OIDC third-party login initiation: redirect to the platform's authorization endpoint."""
    params = request.POST if request.method == "POST" else request.GET
    try:
        target_on_this_host(request, params.get("target_link_uri"))
        return oidc_login(request).redirect(request.build_absolute_uri(reverse("lti:launch")))
    except LaunchRefused as refusal:
        return _refused(request, refusal)
    except LtiException as error:
        return _refused(request, refusal_of(error))
    except OIDCException as error:  # a login initiation without iss or login_hint
        return _refused(
            request,
            LaunchRefused(400, "lti_invalid_login", _("This launch is not valid: %s") % error),
        )


@csrf_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """The platform's id_token: check it, bring user and course up to date, sign the user in,
    and show where the launch leads (a new window for exams) or the deep-linking picker."""
    try:
        message = message_launch(request)
        claims: dict[str, Any] = dict(message.get_launch_data())
        target_on_this_host(request, claims.get(CLAIM + "target_link_uri"))
        claims_check(claims)
        deep_linking = message.is_deep_link_launch()
        if deep_linking and not is_staff_launch(list(claims.get(CLAIM + "roles") or [])):
            raise LaunchRefused(
                403, "lti_not_staff", _("Only course staff choose the exams of a course.")
            )
        nonce_consume(claims)
    except LaunchRefused as refusal:
        return _refused(request, refusal)
    except LtiException as error:
        return _refused(request, refusal_of(error))
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
        # An id_token the library cannot read (a payload that is not an object, an empty aud).
        return _refused(
            request,
            LaunchRefused(400, "lti_invalid_launch", _("This launch is not valid: %s") % error),
        )
    platform = platform_of(str(claims["iss"]), _aud(claims))
    deployment = Deployment.objects.get(
        platform=platform, deployment_id=claims[CLAIM + "deployment_id"]
    )
    launched = launch_record(deployment=deployment, claims=claims)
    login(request, launched.user, backend=MODEL_BACKEND)
    if deep_linking:
        return _picker(request, launched.course, message.get_launch_id())
    return _landing(request, launched)


@require_GET
def continue_launch(request: HttpRequest, token: str) -> HttpResponse:
    """The landing page's link, opened in a window of its own: sign the launched user in there
    (a launch shown in the platform's frame could not keep this site's session cookie) and go
    where the launch leads. The link is signed, short-lived and works once."""
    found = continuation_take(token)
    user = get_user_model().objects.filter(pk=found[0], is_active=True).first() if found else None
    if found is None or user is None:
        return _refused(
            request,
            LaunchRefused(400, "lti_link_expired", _("This link has expired. Launch again.")),
        )
    if request.user.pk != user.pk:
        login(request, user, backend=MODEL_BACKEND)
    return redirect(found[1])


def _aud(claims: dict[str, Any]) -> str:
    aud = claims.get("aud")
    return str(aud[0] if isinstance(aud, list) else aud)


def _landing(request: HttpRequest, launched: Launched) -> HttpResponse:
    """Where the launch leads, opened in a window of its own: proctoring software and
    third-party cookies do not work inside the platform's frame."""
    course, exam, is_staff = launched.course, launched.exam, launched.is_staff
    if is_staff:
        target = reverse("exams:instructor-dashboard", args=[course.course_id])
    elif exam is not None:
        target = reverse("exams:exam", args=[course.course_id, exam.pk])
    else:
        target = reverse("exams:course", args=[course.course_id])
    link = reverse("lti:continue", args=[continuation_make(user_id=launched.user.pk, path=target)])
    context = {"course": course, "exam": exam, "target": link, "is_staff": is_staff}
    return _in_platform_frame(render(request, "lti/landing.html", context))


def _with_points(exams: Any) -> list[Exam]:
    """The exams, each with `max_points`: the sum of its questions' points (one query)."""
    return list(exams.annotate(max_points=Coalesce(Sum("questions__points"), Decimal(0))))


def _picker(
    request: HttpRequest, course: Any, launch_id: str, *, status: int = 200, error: str = ""
) -> HttpResponse:
    exams = _with_points(
        Exam.objects.filter(course=course, is_active=True).exclude(exam_type=ExamType.NONE)
    )
    user = request.user
    context = {
        "course": course,
        "exams": exams,
        "launch_id": launch_id,
        "error": error,
        # Exams are the course team's content, made in the administration by who may add them.
        "add_exam_url": f"{reverse('admin:exams_exam_add')}?course={course.pk}"
        if user.is_staff and user.has_perm("exams.add_exam")
        else "",
    }
    return _in_platform_frame(render(request, "lti/picker.html", context, status=status))


@csrf_exempt
@require_POST
def deep_link_response(request: HttpRequest, launch_id: str) -> HttpResponse:
    """The exams chosen in the picker, sent back to the platform as signed resource links,
    each with a line item scored out of the exam's points.

    The picker often shows inside the platform's frame, where this site's own session and
    CSRF cookies (SameSite=Lax) are not sent. So the answer's authority is the deep-linking
    launch itself, restored from pylti1p3's storage with its own cookie (SameSite=None over
    HTTPS) and the launch id in the URL, neither of which another site can know; its person
    must still be staff of its course here. Hence no CSRF token and no session needed."""
    message = message_launch_restored(request, launch_id)
    if message is None or not message.is_deep_link_launch():
        return _refused(
            request,
            LaunchRefused(400, "lti_launch_gone", _("This choice has expired. Launch again.")),
        )
    claims: dict[str, Any] = dict(message.get_launch_data())
    platform = platform_of(str(claims["iss"]), _aud(claims))
    place = (
        LaunchContext.objects.select_related("course")
        .filter(
            deployment__platform=platform,
            deployment__deployment_id=claims[CLAIM + "deployment_id"],
            context_id=str(claims[CLAIM + "context"]["id"]),
        )
        .first()
    )
    identity = (
        LaunchUser.objects.select_related("user")
        .filter(issuer=platform.issuer, sub=str(claims["sub"]))
        .first()
    )
    if (
        place is None
        or identity is None
        or not is_staff_launch(list(claims.get(CLAIM + "roles") or []))
        or not integrations.is_course_staff(identity.user, place.course)
    ):
        return _refused(
            request,
            LaunchRefused(
                403, "lti_not_staff", _("Only course staff choose the exams of a course.")
            ),
        )
    chosen = {value for value in request.POST.getlist("exam") if value.isdecimal()}
    exams = _with_points(
        Exam.objects.filter(course=place.course, is_active=True, pk__in=chosen)
        .exclude(exam_type=ExamType.NONE)
        .order_by("position", "id")
    )
    if not exams:
        return _picker(
            request, place.course, launch_id, status=400, error=_("Choose at least one exam.")
        )
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    resources = [
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(exam.name)
        .set_custom_params({EXAM_PARAMETER: str(exam.pk)})
        .set_target("window")
        .set_lineitem(
            LineItem()
            .set_label(exam.name)
            .set_score_maximum(float(exam.max_points))  # type: ignore[attr-defined]
            .set_resource_id(f"exam-{exam.pk}")
            .set_tag("special-exam")
        )
        for exam in exams
    ]
    deep_link = message.get_deep_link()
    return_url = claims[DEEP_LINKING + "deep_linking_settings"]["deep_link_return_url"]
    context = {
        "jwt": deep_link.get_response_jwt(resources),
        "return_url": return_url,
        "exams": exams,
    }
    return _in_platform_frame(
        render(request, "lti/deep_link_return.html", context), posts_to=return_url
    )


@login_required
@require_POST
def roster_sync(request: HttpRequest, course_id: str) -> HttpResponse:
    """Staff sync the course's roster from the platform, then see the dashboard."""
    try:
        course = access_course_as_staff(request.user, course_id, Action.SETTINGS_CHANGE)
    except NotFound:
        raise Http404("No such course.") from None
    try:
        synced = roster.roster_sync(course=course)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Roster synced: %(members)d members (%(staff)d staff, %(learners)d learners, "
                "%(inactive)d inactive)."
            )
            % {
                "members": synced.members,
                "staff": synced.staff,
                "learners": synced.learners,
                "inactive": synced.inactive,
            },
        )
    return redirect(reverse("exams:instructor-dashboard", args=[course.course_id]))


@csrf_exempt
@require_GET
def register(request: HttpRequest, invitation: str) -> HttpResponse:
    """Dynamic Registration: the platform opens this page (in its frame or a window) with its
    OpenID configuration URL; the tool registers with it and tells the page's opener it is
    done. Only with a valid invitation (manage.py lti_registration_url)."""
    jti = registration.invitation_jti(invitation)
    if jti is None:
        return _refused(
            request,
            LaunchRefused(
                403,
                "lti_bad_invitation",
                _("This registration link is not valid or has expired. Ask for a new one."),
            ),
        )
    configuration = str(request.GET.get("openid_configuration", ""))
    if not registration.configuration_url_allowed(configuration):
        return _refused(
            request,
            LaunchRefused(
                400,
                "lti_registration_failed",
                _("The platform's configuration must be read over HTTPS."),
            ),
        )
    try:
        platform = registration.Registration(request, jti).register()
    except registration.RegistrationRefused as refused:
        status = 403 if refused.code == "lti_bad_invitation" else 409
        return _refused(request, LaunchRefused(status, refused.code, refused.message))
    except (
        LtiException,
        requests.RequestException,
        AttributeError,
        KeyError,
        TypeError,
        ValueError,
        AssertionError,
    ) as error:
        return _refused(
            request,
            LaunchRefused(
                400,
                "lti_registration_failed",
                _("The platform's registration did not complete: %(error)s") % {"error": error},
            ),
        )
    return _in_platform_frame(render(request, "lti/registered.html", {"platform": platform}))


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys, for platforms to verify what it signs."""
    return JsonResponse(keys.jwks())
