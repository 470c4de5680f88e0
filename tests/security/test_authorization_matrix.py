"""The authorization matrix: every URL pattern of the URLconf, for every kind of user.

The expected answers are the TABLE below, decided from the product rules:

* learners see and change only their own attempts; another learner's attempt answers 404, the
  same as a missing one. Learner endpoints answer only learners enrolled in the course (course
  staff, support staff and superusers are not learners there: 404);
* course staff manage only their courses; another course's staff get 404;
* every staff door declares the action it needs (exams.policy), and the staff columns of its
  row come from the policy table: course staff take every action in their course; support
  staff (the `support` group), superusers and a "viewer" (Django staff who may only view
  attempts) take an action when their Django permissions give it. So the viewer lists
  attempts and can neither clear nor resume one nor read or change allowances and settings,
  and no one but the course's own staff gets the results report (docs/decisions/0006);
* anonymous users: the API answers 403 `not_authenticated` (session authentication sends no
  WWW-Authenticate challenge, so DRF answers 403, not 401); pages redirect to the login page;
* the provider callback is authenticated by its signature, never by the session: an unsigned
  request answers 401 whoever sends it;
* the OpenAPI schema and its docs page describe the API (no data) and are public.

A URL pattern of the URLconf without a row in the TABLE fails the test, and so does a row for a
pattern that no longer exists. A refused call must change nothing: no row of the attempt,
history, audit log, allowance, settings, report or applied-callback tables changes, no e-mail
is sent and no on-commit callback is queued.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from exams.models import (
    Allowance,
    Answer,
    Attempt,
    AttemptTransition,
    AuditLogEntry,
    Course,
    CourseRole,
    Enrollment,
    Exam,
)
from exams.policy import SUPPORT_PERMISSIONS, Action
from exams.statuses import AttemptStatus
from exams.support import support_permission_codenames
from proctoring.models import CallbackDelivery, DeliveryStatus, ProviderSession, Review
from reports.models import ReportJob
from tests.security.conftest import World

S = AttemptStatus

ACTORS = (
    "anonymous",
    "other_learner",
    "owner",
    "auditor",
    "other_instructor",
    "instructor",
    "support",
    "superuser",
    "viewer",
)
LOGIN = "302 login"  # a redirect to /accounts/login/?next=…
ADMIN_LOGIN = "302 admin login"  # a redirect to /admin/login/?next=…
REFUSALS = {401, 403, 404, 405, LOGIN, ADMIN_LOGIN}
ADMIN_FAMILY = "admin:*"


@dataclass(frozen=True)
class Refused:
    """A refusal that answers with a status not in REFUSALS (nothing may change either)."""

    status: int


# Every column but the viewer's, in ACTORS order (the viewer answers as support staff where no
# staff action is declared: see _widen).
LEARNERS_ONLY = (403, 200, 200, 200, 404, 404, 404, 404)
OWNER_ONLY = (403, 404, 200, 404, 404, 404, 404, 404)
PAGE_LEARNERS = (LOGIN, 200, 200, 200, 404, 404, 404, 404)
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200, 200, 200)
EVERYONE = (200,) * 8


def but(row: tuple[Any, ...], **changes: Any) -> tuple[Any, ...]:
    """The row with the named columns changed."""
    return tuple(changes.get(actor, value) for actor, value in zip(ACTORS, row, strict=False))


# The staff columns come from the action policy (exams.policy), not from this file: who holds
# which Django permissions decides. The support group's are setup_roles'; the viewer is a
# Django staff user who may only view attempts (the case the policy was made for).
HOLDERS = {
    "support": frozenset(support_permission_codenames()),
    "viewer": frozenset({"exams.view_attempt"}),
}


def _policy_gives(actor: str, action: Action) -> bool:
    needed = SUPPORT_PERMISSIONS[action]
    if needed is None:
        return False  # no permission gives it: the course's own staff only
    return actor == "superuser" or set(needed) <= HOLDERS[actor]


def staff(action: Action, *, ok: Any = 200, page: bool = False) -> tuple[Any, ...]:
    """A staff door that needs `action`: course staff get `ok`; support staff, superusers and
    the viewer get it when their permissions give them the action (exams.policy), else the
    404 a missing object gets; everyone else is refused as for any staff door."""
    row = {
        "anonymous": LOGIN if page else 403,
        "other_learner": 404,
        "owner": 404,
        "auditor": 404,
        "other_instructor": 404,
        "instructor": ok,
    }
    for actor in ("support", "superuser", "viewer"):
        row[actor] = ok if _policy_gives(actor, action) else 404
    return tuple(row[actor] for actor in ACTORS)


def _widen(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row without the viewer's column answers for the viewer as for support staff (a
    Django staff user with no course role): the door declares no staff action."""
    return row if len(row) == len(ACTORS) else (*row, row[ACTORS.index("support")])


A = Action


# url name -> method -> one expected answer per actor (ACTORS order):
#   anonymous, other learner, owner, audit learner, other course's instructor, instructor,
#   support staff, superuser.
# On the instructor pages that name an attempt or an allowance, another course's instructor
# asks through their own course's address (OBJECT_PAGES): the course check passes, the object's
# must not. Elsewhere every actor asks for the same address.
# The admin is one row family (ADMIN_FAMILY stands for every `admin:` URL): its index is
# requested; the model pages behind it are Django's permission checks, tested in
# tests/exams/admin, and are not each listed here.
TABLE_ROWS: dict[str, dict[str, tuple[Any, ...]]] = {
    # The learner's API.
    "exams-api:course-exams": {"GET": LEARNERS_ONLY},
    "exams-api:exam-detail": {"GET": LEARNERS_ONLY},
    "exams-api:attempt-create": {
        "POST": but(LEARNERS_ONLY, other_learner=201, owner=201, auditor=201)
    },
    "exams-api:attempt-detail": {
        "GET": OWNER_ONLY,
        "DELETE": staff(A.ATTEMPTS_CLEAR, ok=204),
    },
    "exams-api:attempt-setup": {"POST": OWNER_ONLY},
    "exams-api:attempt-start": {"POST": OWNER_ONLY},
    "exams-api:attempt-stop": {"POST": OWNER_ONLY},
    "exams-api:attempt-continue": {"POST": OWNER_ONLY},
    "exams-api:attempt-submit": {"POST": OWNER_ONLY},
    "exams-api:attempt-reset": {"POST": OWNER_ONLY},
    "exams-api:attempt-error": {"POST": OWNER_ONLY},
    "exams-api:answer-save": {"PUT": OWNER_ONLY},
    # Course staff's API: each door's action, and the policy decides the staff columns.
    "exams-api:attempt-resume": {"POST": staff(A.ATTEMPTS_RESUME)},
    "exams-api:course-attempts": {"GET": staff(A.ATTEMPTS_VIEW)},
    "exams-api:course-settings": {
        "GET": staff(A.SETTINGS_VIEW),
        "PATCH": staff(A.SETTINGS_CHANGE),
    },
    "exams-api:exam-settings": {"GET": staff(A.SETTINGS_VIEW), "PATCH": staff(A.SETTINGS_CHANGE)},
    "exams-api:course-allowances": {
        "GET": staff(A.ALLOWANCES_VIEW),
        "POST": staff(A.ALLOWANCES_MANAGE, ok=201),
    },
    "exams-api:course-allowances-bulk": {"POST": staff(A.ALLOWANCES_MANAGE)},
    "exams-api:course-allowances-upload": {"POST": staff(A.ALLOWANCES_MANAGE)},
    "exams-api:allowance-detail": {
        "PATCH": staff(A.ALLOWANCES_MANAGE),
        "DELETE": staff(A.ALLOWANCES_MANAGE, ok=204),
    },
    "reports-api:report-list": {"GET": staff(A.REPORTS_BUILD)},
    "reports-api:report-request": {"POST": staff(A.REPORTS_BUILD, ok=202)},
    "reports-api:report-retry": {"POST": staff(A.REPORTS_BUILD, ok=202)},
    # The provider's callback: the signature is the only credential.
    "proctoring-api:callback": {"POST": (401,) * 8},
    # The API's description.
    "api-schema": {"GET": EVERYONE},
    "api-docs": {"GET": EVERYONE},
    # The pages' translations and the language switcher (the choice is a cookie: no data).
    "javascript-catalog": {"GET": EVERYONE},
    "set_language": {"POST": (302,) * 8},
    # The sweeps' health, for a monitor: no data, no sign-in (503: no sweep ran in this test).
    "health:sweeps": {"GET": (503,) * 8},
    # LTI: the platform's browser comes without our session; the id_token is the credential.
    # A login with no target and a launch with no state are refused for everyone (400), the
    # tool's public keys are everyone's, and the picker's answer needs its deep-linking launch
    # (here none: 400 for everyone; its authority is the launch, not the session).
    "lti:login": {"GET": (400,) * 8, "POST": (400,) * 8},
    "lti:launch": {"POST": (400,) * 8},
    "lti:jwks": {"GET": EVERYONE},
    # The landing page's signed link; a forged one signs nobody in.
    "lti:continue": {"GET": (400,) * 8},
    # Dynamic Registration needs a signed invitation, whoever asks (here a forged one).
    "lti:register": {"GET": (403,) * 8},
    "lti:deep-link": {"POST": (400,) * 8},
    # A roster sync is a staff door (302: back to the dashboard, with what the sync said).
    "lti:roster-sync": {"POST": staff(A.SETTINGS_CHANGE, ok=302, page=True)},
    # The learner's pages.
    "exams:home": {"GET": SIGNED_IN},
    "exams:course": {"GET": PAGE_LEARNERS},
    "exams:exam": {"GET": PAGE_LEARNERS},
    "exams:progress": {"GET": PAGE_LEARNERS},
    # The instructor pages: GET needs the reading action, a form's POST the changing one.
    "exams:instructor-dashboard": {"GET": staff(A.ATTEMPTS_VIEW, page=True)},
    "exams:instructor-attempt-clear": {
        "GET": staff(A.ATTEMPTS_CLEAR, page=True),
        # Another course's attempt: back to the list, "already cleared", as for a missing one.
        "POST": but(staff(A.ATTEMPTS_CLEAR, ok=302, page=True), other_instructor=Refused(302)),
    },
    "exams:instructor-attempt-resume": {"POST": staff(A.ATTEMPTS_RESUME, ok=302, page=True)},
    "exams:instructor-allowances": {
        "GET": staff(A.ALLOWANCES_VIEW, page=True),
        "POST": staff(A.ALLOWANCES_MANAGE, ok=302, page=True),
    },
    "exams:instructor-allowances-bulk": {"POST": staff(A.ALLOWANCES_MANAGE, page=True)},
    "exams:instructor-allowances-upload": {"POST": staff(A.ALLOWANCES_MANAGE, page=True)},
    "exams:instructor-allowance-edit": {
        "GET": staff(A.ALLOWANCES_MANAGE, page=True),
        "POST": staff(A.ALLOWANCES_MANAGE, ok=302, page=True),
    },
    "exams:instructor-allowance-delete": {
        "GET": staff(A.ALLOWANCES_MANAGE, page=True),
        "POST": staff(A.ALLOWANCES_MANAGE, ok=302, page=True),
    },
    "exams:instructor-settings": {
        "GET": staff(A.SETTINGS_VIEW, page=True),
        "POST": staff(A.SETTINGS_CHANGE, ok=302, page=True),
    },
    "reports:data-download": {"GET": staff(A.REPORTS_BUILD, page=True)},
    "reports:download": {"GET": staff(A.REPORTS_BUILD, page=True)},
    # The simulated provider's windows: the learner's software, the reviewers' desk (staff).
    "proctoring:simulated-software": {"GET": but(OWNER_ONLY, anonymous=LOGIN)},
    "proctoring:simulated-signal": {"POST": but(OWNER_ONLY, anonymous=LOGIN, owner=202)},
    "proctoring:simulated-reviewer": {
        "GET": (ADMIN_LOGIN,) * 6 + (200, 200),
        "POST": (ADMIN_LOGIN,) * 6 + (302, 302),  # the vendor's desk: any Django staff
    },
    # Signing in and out, passwords (django.contrib.auth.urls).
    "login": {"GET": EVERYONE, "POST": EVERYONE},  # POST: a wrong password, the form again
    "logout": {"POST": (302,) * 8},
    "password_change": {"GET": SIGNED_IN, "POST": SIGNED_IN},  # POST: a wrong old password
    "password_change_done": {"GET": SIGNED_IN},
    "password_reset": {"GET": EVERYONE, "POST": (302,) * 8},  # POST: an unknown e-mail
    "password_reset_done": {"GET": EVERYONE},
    "password_reset_confirm": {"GET": EVERYONE},  # a wrong token: "invalid link" page
    "password_reset_complete": {"GET": EVERYONE},
    # Django admin (one family, see above).
    ADMIN_FAMILY: {"GET": (ADMIN_LOGIN,) * 6 + (200, 200)},
}
OBJECT_PAGES = {
    "exams:instructor-attempt-clear",
    "exams:instructor-attempt-resume",
    "exams:instructor-allowance-edit",
    "exams:instructor-allowance-delete",
}
TABLE: dict[str, dict[str, dict[str, Any]]] = {
    name: {method: dict(zip(ACTORS, _widen(row), strict=True)) for method, row in methods.items()}
    for name, methods in TABLE_ROWS.items()
}


# How each row is requested: the path (with real objects of the World) and a harmless valid
# body. A lambda takes the World and returns (path, client keyword arguments).
Request = Callable[[World], tuple[str, dict[str, Any]]]


def api(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def as_json(body: dict[str, Any]) -> dict[str, Any]:
    return {"data": json.dumps(body), "content_type": "application/json"}


def csv_file() -> SimpleUploadedFile:
    content = b"learner,exam,kind,value,reason,expires_at\nlearner,,additional_minutes,10,,\n"
    return SimpleUploadedFile("allowances.csv", content, content_type="text/csv")


def grant(w: World) -> dict[str, Any]:
    return {"learner": "learner", "exam": w.timed.pk, "kind": "additional_minutes", "value": "10"}


def attempt_action(name: str, status: str) -> Request:
    return lambda w: (api(name, w.attempt(status).pk), {})


def staff_page(name: str, *, attempt: str = "", allowance: bool = False) -> Callable[[World], str]:
    def path(w: World) -> str:
        args: list[Any] = [w.course.course_id]
        if attempt:
            args.append(w.attempt(attempt).pk)
        if allowance:
            args.append(w.allowance.pk)
        return reverse(name, args=args)

    return path


def post_form(path: Callable[[World], str], form: Callable[[World], dict[str, Any]]) -> Request:
    return lambda w: (path(w), {"data": form(w)})


def get(path: Callable[[World], str]) -> Request:
    return lambda w: (path(w), {})


COURSE_FORM = {
    "section": "course",
    "course-proctored_exams_enabled": "on",
    "course-allow_opting_out": "on",
    "course-proctoring_provider": "simulated",
}

REQUESTS: dict[tuple[str, str], Request] = {
    ("exams-api:course-exams", "GET"): lambda w: (
        api("exams-api:course-exams", w.course.course_id),
        {},
    ),
    ("exams-api:exam-detail", "GET"): lambda w: (api("exams-api:exam-detail", w.proctored.pk), {}),
    ("exams-api:attempt-create", "POST"): lambda w: (
        api("exams-api:attempt-create", w.timed.pk),
        as_json({}),
    ),
    ("exams-api:attempt-detail", "GET"): attempt_action("exams-api:attempt-detail", S.STARTED),
    ("exams-api:attempt-detail", "DELETE"): attempt_action("exams-api:attempt-detail", S.STARTED),
    ("exams-api:attempt-setup", "POST"): attempt_action("exams-api:attempt-setup", S.CREATED),
    ("exams-api:attempt-start", "POST"): attempt_action(
        "exams-api:attempt-start", S.READY_TO_START
    ),
    ("exams-api:attempt-stop", "POST"): attempt_action("exams-api:attempt-stop", S.STARTED),
    ("exams-api:attempt-continue", "POST"): attempt_action(
        "exams-api:attempt-continue", S.READY_TO_SUBMIT
    ),
    ("exams-api:attempt-submit", "POST"): attempt_action("exams-api:attempt-submit", S.STARTED),
    ("exams-api:attempt-reset", "POST"): attempt_action("exams-api:attempt-reset", S.COMPLETED),
    ("exams-api:attempt-error", "POST"): lambda w: (
        api("exams-api:attempt-error", w.attempt(S.STARTED).pk),
        as_json({"reason": "camera unplugged"}),
    ),
    ("exams-api:answer-save", "PUT"): lambda w: (
        api("exams-api:answer-save", w.attempt(S.STARTED).pk, w.question.pk),
        as_json({"response": "42"}),
    ),
    ("exams-api:attempt-resume", "POST"): attempt_action("exams-api:attempt-resume", S.ERROR),
    ("exams-api:course-attempts", "GET"): lambda w: (
        api("exams-api:course-attempts", w.course.course_id),
        {},
    ),
    ("exams-api:course-settings", "GET"): lambda w: (
        api("exams-api:course-settings", w.course.course_id),
        {},
    ),
    ("exams-api:course-settings", "PATCH"): lambda w: (
        api("exams-api:course-settings", w.course.course_id),
        as_json({"allow_opting_out": True}),
    ),
    ("exams-api:exam-settings", "GET"): lambda w: (api("exams-api:exam-settings", w.timed.pk), {}),
    ("exams-api:exam-settings", "PATCH"): lambda w: (
        api("exams-api:exam-settings", w.timed.pk),
        as_json({"review_rules": "Calculators allowed."}),
    ),
    ("exams-api:course-allowances", "GET"): lambda w: (
        api("exams-api:course-allowances", w.course.course_id),
        {},
    ),
    ("exams-api:course-allowances", "POST"): lambda w: (
        api("exams-api:course-allowances", w.course.course_id),
        as_json(grant(w)),
    ),
    ("exams-api:course-allowances-bulk", "POST"): lambda w: (
        api("exams-api:course-allowances-bulk", w.course.course_id),
        as_json(
            {
                "learners": ["learner"],
                "exams": [w.timed.pk],
                "kind": "additional_minutes",
                "value": "10",
            }
        ),
    ),
    ("exams-api:course-allowances-upload", "POST"): lambda w: (
        api("exams-api:course-allowances-upload", w.course.course_id),
        {"data": {"file": csv_file()}},
    ),
    ("exams-api:allowance-detail", "PATCH"): lambda w: (
        api("exams-api:allowance-detail", w.allowance.pk),
        as_json({"reason": "Broken arm, in a cast."}),
    ),
    ("exams-api:allowance-detail", "DELETE"): lambda w: (
        api("exams-api:allowance-detail", w.allowance.pk),
        {},
    ),
    ("reports-api:report-list", "GET"): lambda w: (
        api("reports-api:report-list", w.course.course_id),
        {},
    ),
    ("reports-api:report-request", "POST"): lambda w: (
        api("reports-api:report-request", w.course.course_id),
        {},
    ),
    ("reports-api:report-retry", "POST"): lambda w: (
        api("reports-api:report-retry", w.failed_job.pk),
        {},
    ),
    ("proctoring-api:callback", "POST"): lambda w: (
        api("proctoring-api:callback", "simulated"),
        as_json(
            {
                "delivery_id": "d-1",
                "event": "review",
                "attempt_code": w.attempt(S.SUBMITTED).attempt_code,
                "review": {"verdict": "passed", "flags": [], "comments": "ok"},
            }
        ),
    ),
    ("api-schema", "GET"): lambda w: (reverse("api-schema"), {}),
    ("api-docs", "GET"): lambda w: (reverse("api-docs"), {}),
    ("javascript-catalog", "GET"): lambda w: (reverse("javascript-catalog"), {}),
    ("set_language", "POST"): lambda w: (
        reverse("set_language"),
        {"data": {"language": "fr", "next": "/"}},
    ),
    ("exams:home", "GET"): lambda w: (reverse("exams:home"), {}),
    ("exams:course", "GET"): lambda w: (reverse("exams:course", args=[w.course.course_id]), {}),
    ("exams:exam", "GET"): lambda w: (
        reverse("exams:exam", args=[w.course.course_id, w.proctored.pk]),
        {},
    ),
    ("exams:progress", "GET"): lambda w: (
        reverse("exams:progress", args=[w.course.course_id]),
        {},
    ),
    ("exams:instructor-dashboard", "GET"): get(staff_page("exams:instructor-dashboard")),
    ("exams:instructor-attempt-clear", "GET"): get(
        staff_page("exams:instructor-attempt-clear", attempt=S.STARTED)
    ),
    ("exams:instructor-attempt-clear", "POST"): post_form(
        staff_page("exams:instructor-attempt-clear", attempt=S.STARTED), lambda w: {}
    ),
    ("exams:instructor-attempt-resume", "POST"): post_form(
        staff_page("exams:instructor-attempt-resume", attempt=S.ERROR), lambda w: {}
    ),
    ("exams:instructor-allowances", "GET"): get(staff_page("exams:instructor-allowances")),
    ("exams:instructor-allowances", "POST"): post_form(
        staff_page("exams:instructor-allowances"),
        lambda w: {f"add-{k}": v for k, v in grant(w).items()},
    ),
    ("exams:instructor-allowances-bulk", "POST"): post_form(
        staff_page("exams:instructor-allowances-bulk"),
        lambda w: {
            "bulk-learners": "learner",
            "bulk-exams": [str(w.timed.pk)],
            "bulk-kind": "additional_minutes",
            "bulk-value": "10",
        },
    ),
    ("exams:instructor-allowances-upload", "POST"): post_form(
        staff_page("exams:instructor-allowances-upload"), lambda w: {"csv-file": csv_file()}
    ),
    ("exams:instructor-allowance-edit", "GET"): get(
        staff_page("exams:instructor-allowance-edit", allowance=True)
    ),
    ("exams:instructor-allowance-edit", "POST"): post_form(
        staff_page("exams:instructor-allowance-edit", allowance=True),
        lambda w: {"value": "45", "reason": "Broken arm, in a cast."},
    ),
    ("exams:instructor-allowance-delete", "GET"): get(
        staff_page("exams:instructor-allowance-delete", allowance=True)
    ),
    ("exams:instructor-allowance-delete", "POST"): post_form(
        staff_page("exams:instructor-allowance-delete", allowance=True), lambda w: {}
    ),
    ("exams:instructor-settings", "GET"): get(staff_page("exams:instructor-settings")),
    ("exams:instructor-settings", "POST"): post_form(
        staff_page("exams:instructor-settings"), lambda w: COURSE_FORM
    ),
    ("reports:data-download", "GET"): get(staff_page("reports:data-download")),
    ("reports:download", "GET"): lambda w: (
        reverse("reports:download", args=[w.download_token()]),
        {},
    ),
    ("proctoring:simulated-software", "GET"): lambda w: (
        reverse("proctoring:simulated-software", args=[w.attempt(S.STARTED).attempt_code]),
        {},
    ),
    ("proctoring:simulated-signal", "POST"): lambda w: (
        reverse("proctoring:simulated-signal", args=[w.attempt(S.STARTED).attempt_code]),
        {"data": {"event": "heartbeat"}},
    ),
    ("proctoring:simulated-reviewer", "GET"): lambda w: (
        reverse("proctoring:simulated-reviewer"),
        {},
    ),
    ("proctoring:simulated-reviewer", "POST"): lambda w: (
        reverse("proctoring:simulated-reviewer"),
        {"data": {"verdict": "passed", "attempt_code": w.attempt(S.SUBMITTED).attempt_code}},
    ),
    ("health:sweeps", "GET"): lambda w: (reverse("health:sweeps"), {}),
    ("lti:login", "GET"): lambda w: (reverse("lti:login"), {}),
    ("lti:login", "POST"): lambda w: (reverse("lti:login"), {"data": {"iss": "https://x.example"}}),
    ("lti:launch", "POST"): lambda w: (reverse("lti:launch"), {"data": {"id_token": "x"}}),
    ("lti:jwks", "GET"): lambda w: (reverse("lti:jwks"), {}),
    ("lti:continue", "GET"): lambda w: (reverse("lti:continue", args=["forged"]), {}),
    ("lti:register", "GET"): lambda w: (reverse("lti:register", args=["forged"]), {}),
    ("lti:roster-sync", "POST"): lambda w: (
        reverse("lti:roster-sync", args=[w.course.course_id]),
        {},
    ),
    ("lti:deep-link", "POST"): lambda w: (
        reverse("lti:deep-link", args=["launch-that-is-not-there"]),
        {"data": {"exam": "1"}},
    ),
    ("login", "GET"): lambda w: (reverse("login"), {}),
    ("login", "POST"): lambda w: (
        reverse("login"),
        {"data": {"username": "learner", "password": "not the password"}},
    ),
    ("logout", "POST"): lambda w: (reverse("logout"), {}),
    ("password_change", "GET"): lambda w: (reverse("password_change"), {}),
    ("password_change", "POST"): lambda w: (
        reverse("password_change"),
        {
            "data": {
                "old_password": "not the password",
                "new_password1": "a-long-new-secret-42",
                "new_password2": "a-long-new-secret-42",
            }
        },
    ),
    ("password_change_done", "GET"): lambda w: (reverse("password_change_done"), {}),
    ("password_reset", "GET"): lambda w: (reverse("password_reset"), {}),
    ("password_reset", "POST"): lambda w: (
        reverse("password_reset"),
        {"data": {"email": "nobody@example.com"}},
    ),
    ("password_reset_done", "GET"): lambda w: (reverse("password_reset_done"), {}),
    ("password_reset_confirm", "GET"): lambda w: (
        reverse("password_reset_confirm", args=["MQ", "bad-token"]),
        {},
    ),
    ("password_reset_complete", "GET"): lambda w: (reverse("password_reset_complete"), {}),
    (ADMIN_FAMILY, "GET"): lambda w: (reverse("admin:index"), {}),
}


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> set[str]:
    """The name of every URL pattern (with its namespace), walking includes recursively.

    Anything under the admin counts as ADMIN_FAMILY; an unnamed pattern elsewhere is listed by
    its route, so it cannot hide from the TABLE.
    """
    names: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if inner == "admin:":
                names.add(ADMIN_FAMILY)
            else:
                names |= url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>")
    return names


URL_NAMES = url_names()
CASES = [
    pytest.param(name, method, actor, id=f"{name} {method} {actor}")
    for name in sorted(URL_NAMES | set(TABLE))
    for method in sorted(TABLE.get(name, {"?": {}}))
    for actor in (ACTORS if name in TABLE else ("-",))
]


@pytest.fixture
def viewer(db) -> User:
    """Django staff who may only view attempts: no course role, no other permission."""
    user = User.objects.create_user("viewer", "viewer@example.com", "pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_attempt"))
    return user


@pytest.fixture
def actors(
    learner, other_learner, auditor, other_instructor, instructor, support, superuser, viewer
) -> dict[str, User | None]:
    return {
        "viewer": viewer,
        "anonymous": None,
        "other_learner": other_learner,
        "owner": learner,
        "auditor": auditor,
        "other_instructor": other_instructor,
        "instructor": instructor,
        "support": support,
        "superuser": superuser,
    }


@pytest.fixture
def vendor_calls(monkeypatch) -> list[dict[str, Any]]:
    """The simulated vendor's outgoing callbacks, recorded instead of sent over HTTP."""
    calls: list[dict[str, Any]] = []

    def send(*, base_url: str, payload: dict[str, Any]) -> dict[str, Any]:
        calls.append(payload)
        return {"status": "received"}

    monkeypatch.setattr("proctoring.simulated.vendor.send", send)
    return calls


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row a refused call could have changed."""
    tables = {
        model.__name__: model.objects.order_by("pk").values()
        for model in (
            Attempt,
            Answer,
            AttemptTransition,
            AuditLogEntry,
            Allowance,
            Course,
            Exam,
            Enrollment,
            CourseRole,
            ReportJob,
            ProviderSession,
            Review,
        )
    }
    tables["CallbackDelivery"] = CallbackDelivery.objects.exclude(
        status=DeliveryStatus.REJECTED
    ).values()
    tables["User"] = User.objects.order_by("pk").values("pk", "password", "is_active", "email")
    return {name: list(rows) for name, rows in tables.items()}


def outcome(response: Any) -> Any:
    """The status, with the redirects to a login page told apart from other redirects."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        if location.startswith(reverse("login") + "?"):
            return LOGIN
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "actor"), CASES)
def test_authorization_matrix(
    name,
    method,
    actor,
    world,
    actors,
    vendor_calls,
    django_capture_on_commit_callbacks,
):
    assert name in URL_NAMES, f"{name} has a row in the TABLE but no URL pattern any more"
    assert name in TABLE, f"{name} is a URL pattern without a row in the TABLE"
    expected = TABLE[name][method][actor]
    path, kwargs = REQUESTS[(name, method)](world)
    client = Client()
    user = actors[actor]
    if actor == "other_instructor" and name in OBJECT_PAGES:
        own_course = CourseRole.objects.get(user=user).course.course_id
        path = path.replace(world.course.course_id, own_course, 1)
        assert own_course in path
    if user is not None:
        client.force_login(user)
    before = snapshot()

    with django_capture_on_commit_callbacks() as callbacks:
        response = getattr(client, method.lower())(path, **kwargs)

    refused = expected in REFUSALS or isinstance(expected, Refused)
    if isinstance(expected, Refused):
        expected = expected.status
    assert outcome(response) == expected, (
        f"{method} {path} as {actor}: {response.status_code} "
        f"{response.get('Location', '')} {response.content[:300]!r}"
    )
    if refused:
        assert snapshot() == before
        assert mail.outbox == []
        assert callbacks == []
        assert vendor_calls == []
