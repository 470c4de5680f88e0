"""What a validated launch changes here: the platform's user and course, and the user's place
in the course.

The platform is the source of truth for an LTI course: every launch brings the course title,
the user's name and e-mail, and the user's role up to date. Staff roles become the exams
app's CourseRole rows and learners its Enrollment rows, which the course directory
(exams.integrations) reads like any other; nothing else in the app knows about LTI.
"""

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from exams.models import Course, CourseRole, Enrollment, EnrollmentMode, Exam, RoleName
from lti.models import Deployment, LaunchContext, LaunchUser, ResourceLaunch, ResourceLink

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Context roles (LIS vocabulary) that make course staff; everything else is a learner.
STAFF_ROLES = {"Instructor", "TeachingAssistant", "ContentDeveloper", "Administrator"}
CONTEXT_ROLE_PREFIX = "http://purl.imsglobal.org/vocab/lis/v2/membership"
TRACK_PARAMETER = "exam_track"  # a launch's custom parameter: verified | audit
EXAM_PARAMETER = "exam_id"  # the custom parameter of a resource link to one exam
LTI_COURSE_PREFIX = "course-v1:lti+"  # the courses launches create
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


@dataclass(frozen=True)
class Launched:
    user: "User"
    course: Course
    is_staff: bool
    exam: Exam | None  # the exam the resource link points at, if any


def context_roles(roles: list[Any]) -> set[str]:
    """The launch's principal roles in the context, by their short name: `membership#Learner`
    gives Learner, and a sub-role `membership/Instructor#TeachingAssistant` its principal role,
    Instructor (so `membership/Learner#Instructor`, a learner's sub-role, stays a Learner).
    Institution and system roles (an LMS administrator) say nothing about this course."""
    names = set()
    for role in roles:
        text = str(role)
        if text.startswith("http://purl.imsglobal.org/vocab/lis/v2/"):
            if not text.startswith(CONTEXT_ROLE_PREFIX):
                continue
            rest = text[len(CONTEXT_ROLE_PREFIX) :]
            # membership/<Principal>#<Sub-role> gives its principal; membership#<Role>, the role.
            text = rest[1:].split("#", 1)[0] if rest.startswith("/") else rest.lstrip("#")
        names.add(text)
    return names


def is_staff_launch(roles: list[Any]) -> bool:
    return bool(context_roles(roles) & STAFF_ROLES)


def _digest(*parts: str, length: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def user_for(issuer: str, claims: dict[str, Any]) -> "User":
    """The user of (issuer, sub): created on the first launch with no usable password, never
    matched to an existing account by e-mail; name and e-mail follow the platform."""
    sub = str(claims["sub"])
    identity = LaunchUser.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
    email = str(claims.get("email") or "")[:254]
    given = str(claims.get("given_name") or "")[:150]
    family = str(claims.get("family_name") or "")[:150]
    if identity is None:
        user_model = get_user_model()
        local = (email.split("@", 1)[0] if email else "lti")[:100]
        user = user_model(username=f"{local}-{_digest(issuer, sub, length=8)}")
        user.set_unusable_password()
        user.email, user.first_name, user.last_name = email, given, family
        try:
            with transaction.atomic():
                user.save()
                LaunchUser.objects.create(issuer=issuer, sub=sub, user=user)
        except IntegrityError:  # a concurrent first launch of the same person won
            return LaunchUser.objects.select_related("user").get(issuer=issuer, sub=sub).user
        return user
    user = identity.user
    changed = {
        name: value
        for name, value in (("email", email), ("first_name", given), ("last_name", family))
        if value and getattr(user, name) != value
    }
    if changed:
        for name, value in changed.items():
            setattr(user, name, value)
        user.save(update_fields=list(changed))
    return user


def _course_for(deployment: Deployment, context: dict[str, Any]) -> LaunchContext:
    """The course of (deployment, context id), created on the first launch with the
    context's title; the title of a course made that way follows the platform (a course
    attached by hand, `lti_platform --attach`, keeps its own)."""
    context_id = str(context["id"])
    title = str(context.get("title") or context.get("label") or context_id)[:255]
    place = (
        LaunchContext.objects.select_related("course")
        .filter(deployment=deployment, context_id=context_id)
        .first()
    )
    if place is None:
        course_key = f"{LTI_COURSE_PREFIX}d{deployment.pk}+{_digest(context_id)}"
        course, _ = Course.objects.get_or_create(course_id=course_key, defaults={"name": title})
        place, _ = LaunchContext.objects.get_or_create(
            deployment=deployment, context_id=context_id, defaults={"course": course}
        )
    elif place.course.course_id.startswith(LTI_COURSE_PREFIX) and place.course.name != title:
        place.course.name = title
        place.course.save(update_fields=["name", "modified"])
    return place


def _track(place: LaunchContext, custom: dict[str, Any]) -> str:
    asked = str(custom.get(TRACK_PARAMETER) or "").strip().lower()
    return asked if asked in EnrollmentMode.values else place.learner_track


@transaction.atomic
def launch_record(*, deployment: Deployment, claims: dict[str, Any]) -> Launched:
    """Bring the launching user, the course and the user's role in it up to date.

    Staff (Instructor, TeachingAssistant, ContentDeveloper, Administrator in the context) get
    a course role; learners an active enrollment in the course's learner track, or the track
    the launch's `exam_track` custom parameter names. A staff launch keeps an enrollment the
    user already has; a learner launch removes a staff role the platform no longer gives.
    """
    user = user_for(deployment.platform.issuer, claims)
    place = _course_for(deployment, claims[CLAIM + "context"])
    course = place.course
    roles = list(claims.get(CLAIM + "roles") or [])
    staff = is_staff_launch(roles)
    membership_record(user, place, roles, track=_track(place, _custom(claims)))
    roster = claims.get(NRPS_CLAIM)
    roster_url = (
        str(roster.get("context_memberships_url") or "") if isinstance(roster, dict) else ""
    )
    if roster_url and roster_url != place.memberships_url:
        place.memberships_url = roster_url[:1024]
        place.save(update_fields=["memberships_url", "modified"])
    exam = _exam_of(course, claims)
    link = claims.get(CLAIM + "resource_link")
    if isinstance(link, dict) and link.get("id"):
        _link_record(deployment, str(link["id"]), exam, claims, None if staff else user)
    return Launched(user=user, course=course, is_staff=staff, exam=exam)


def membership_record(
    user: "User",
    place: LaunchContext,
    roles: list[Any],
    *,
    track: str,
    active: bool = True,
    keep_track: bool = False,
) -> None:
    """The user's place in the course as the platform says: staff get a course role (an
    enrollment they already have stays), learners an enrollment in `track`, active or not; a
    role the platform no longer gives goes."""
    course = place.course
    if is_staff_launch(roles):
        role = RoleName.INSTRUCTOR if "Instructor" in context_roles(roles) else RoleName.STAFF
        CourseRole.objects.filter(user=user, course=course).exclude(role=role).delete()
        if active:
            CourseRole.objects.get_or_create(user=user, course=course, role=role)
        else:
            CourseRole.objects.filter(user=user, course=course).delete()
        return
    CourseRole.objects.filter(user=user, course=course).delete()
    # A roster sync keeps the track a launch gave (its exam_track); a launch sets it.
    Enrollment.objects.update_or_create(
        user=user,
        course=course,
        defaults={"is_active": active} if keep_track else {"mode": track, "is_active": active},
        create_defaults={"mode": track, "is_active": active},
    )


def _custom(claims: dict[str, Any]) -> dict[str, Any]:
    custom = claims.get(CLAIM + "custom")
    return custom if isinstance(custom, dict) else {}


def _exam_of(course: Course, claims: dict[str, Any]) -> Exam | None:
    raw = str(_custom(claims).get(EXAM_PARAMETER, ""))
    return Exam.objects.filter(course=course, pk=int(raw)).first() if raw.isdecimal() else None


def _link_record(
    deployment: Deployment,
    link_id: str,
    exam: Exam | None,
    claims: dict[str, Any],
    learner: "User | None",
) -> None:
    """Remember the link, its exam and line item (they follow the platform), and that the
    learner launched it: their grades for the exam go to its line item."""
    ags = claims.get(AGS_CLAIM)
    ags = ags if isinstance(ags, dict) else {}
    # What this launch says; what it leaves out stays (a launch without the custom exam_id or
    # the grades claim must not cut a link's grades off).
    values: dict[str, Any] = {}
    if exam is not None:
        values["exam"] = exam
    if ags.get("lineitem"):
        values["lineitem"] = str(ags["lineitem"])[:1024]
        values["scopes"] = [str(scope) for scope in ags.get("scope") or []]
    link, _ = ResourceLink.objects.update_or_create(
        deployment=deployment, resource_link_id=link_id, defaults=values
    )
    if learner is not None:
        ResourceLaunch.objects.get_or_create(
            resource_link=link,
            identity=learner.lti_identity,
            defaults={"first_at": timezone.now()},
        )
