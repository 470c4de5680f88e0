"""The course's roster from the platform (LTI Names and Role Provisioning Services).

Staff sync it on demand: every member becomes the local user of (issuer, member id), with a
course role or an enrollment as their roles say, before their first launch; so staff can
name them in allowances (one, in bulk, or by CSV) by username or e-mail, and find their
attempts by the same. pylti1p3 asks the platform page by page (its `Link: rel="next"`). A
member the platform lists as Inactive or Deleted keeps their account, without an active
enrollment or a staff role.
"""

from dataclasses import dataclass
from typing import Any

import requests
from django.db import transaction
from django.utils.translation import gettext as _
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService

from exams.exceptions import Conflict, DomainError
from exams.models import Course
from lti.launches import MAX_KEY
from lti.models import LaunchContext
from lti.services import is_staff_launch, membership_record, user_for
from lti.tool_conf import ServiceConnector, TimeoutSession, registration_of


class NoRoster(Conflict):
    code = "lti_no_roster"


class RosterUnavailable(DomainError):
    code = "lti_roster_unavailable"


@dataclass(frozen=True)
class RosterSynced:
    members: int
    staff: int
    learners: int
    inactive: int


def roster_sync(*, course: Course) -> RosterSynced:
    """Read the platform's roster of the course and bring users, roles and enrollments up to
    date. NoRoster when the course was never launched with a roster service; RosterUnavailable
    (nothing changed) when the platform cannot be asked."""
    place = (
        LaunchContext.objects.select_related("deployment__platform", "course")
        .filter(course=course)
        .first()
    )
    if place is None or not place.memberships_url:
        raise NoRoster(_("This course's platform gave no roster service with its launches."))
    platform = place.deployment.platform
    try:
        registration = registration_of(platform)
        service = NamesRolesProvisioningService(
            ServiceConnector(registration, requests_session=TimeoutSession()),
            {"context_memberships_url": place.memberships_url},
        )
        members = [dict(member) for member in service.get_members()]
    except (LtiException, requests.RequestException, TypeError, ValueError) as error:
        raise RosterUnavailable(
            _("The platform's roster could not be read: %(error)s") % {"error": error}
        ) from None
    return _record(place, [member for member in members if _well_formed(member)])


def _well_formed(member: dict[str, Any]) -> bool:
    roles = member.get("roles", [])
    user_id = member.get("user_id")
    return (
        isinstance(user_id, str | int)
        and 0 < len(str(user_id)) <= MAX_KEY
        and isinstance(roles, list)
        and all(isinstance(role, str) for role in roles)
    )


@transaction.atomic
def _record(place: LaunchContext, members: list[dict[str, Any]]) -> RosterSynced:
    staff = learners = inactive = 0
    for member in members:
        person = {**member, "sub": str(member["user_id"])}
        user = user_for(place.deployment.platform.issuer, person)
        roles = list(member.get("roles") or [])
        active = str(member.get("status") or "Active") == "Active"
        membership_record(
            user, place, roles, track=place.learner_track, active=active, keep_track=True
        )
        if not active:
            inactive += 1
        elif is_staff_launch(roles):
            staff += 1
        else:
            learners += 1
    return RosterSynced(members=len(members), staff=staff, learners=learners, inactive=inactive)
