"""Allowances for many learners and exams at once (the dashboard's bulk form and its API).

Each (learner, exam) pair is granted in a transaction of its own: a refused pair (learner
unknown or not enrolled, allowance already there) leaves the others granted, and every pair
gets a result. What all pairs share (kind, value, expiry, exams) is checked first, so a
mistake there refuses the whole request before anything is saved.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exams.allowances.inputs import AllowanceValue
from exams.allowances.services import allowance_grant, clean_expiry
from exams.exceptions import DomainError, InvalidInput, UnknownLearner
from exams.lifecycle.history import Actor
from exams.models import Course, Exam

MAX_LEARNERS = 200
MAX_EXAMS = 50
UNKNOWN_LEARNER = "unknown_learner"
AMBIGUOUS_LEARNER = "ambiguous_learner"


@dataclass(frozen=True)
class Problem:
    """Why one row or pair was refused: a stable code and a message for people."""

    code: str
    message: str


def learners_resolve(identifiers: Iterable[str]) -> dict[str, Any]:
    """Map each username or e-mail to its user, or to a Problem. Two queries for any number.

    The username exactly (after trimming spaces), else (with an '@') the e-mail ignoring case,
    refused when several users share it.
    """
    wanted = {text.strip() for text in identifiers if text and text.strip()}
    users = get_user_model().objects
    by_username = {u.get_username(): u for u in users.filter(username__in=wanted)}
    emails = {text.lower() for text in wanted - set(by_username) if "@" in text}
    by_email: dict[str, list[Any]] = {}
    if emails:
        for user in users.annotate(email_lower=Lower("email")).filter(email_lower__in=emails):
            by_email.setdefault(user.email.lower(), []).append(user)
    found: dict[str, Any] = {}
    for text in wanted:
        if text in by_username:
            found[text] = by_username[text]
            continue
        matches = by_email.get(text.lower(), []) if "@" in text else []
        if len(matches) == 1:
            found[text] = matches[0]
        elif matches:
            found[text] = Problem(
                AMBIGUOUS_LEARNER,
                _("Several users share the e-mail '%(email)s'; use the username.")
                % {"email": text},
            )
        else:
            found[text] = Problem(
                UNKNOWN_LEARNER,
                _("No user with username or e-mail '%(learner)s'.") % {"learner": text},
            )
    return found


def learner_resolve_one(identifier: str) -> Any:
    """The user with this username or e-mail; raise UnknownLearner or InvalidInput (field
    `learner`): the rules of `learners_resolve`."""
    text = (identifier or "").strip()
    if not text:
        raise InvalidInput(_("Give the learner's username or e-mail."), field="learner")
    user = learners_resolve([text])[text]
    if isinstance(user, Problem):
        error_class = UnknownLearner if user.code == UNKNOWN_LEARNER else InvalidInput
        raise error_class(user.message, field="learner")
    return user


@dataclass(frozen=True)
class BulkResult:
    """The outcome of one (learner, exam) pair; exam None means all timed exams."""

    learner: str
    exam_id: int | None
    exam_name: str
    ok: bool
    allowance_id: int | None = None
    code: str = ""
    message: str = ""


def _unique(texts: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        if text and text.strip():
            seen.setdefault(text.strip(), None)
    return list(seen)


def _check_shared(
    *,
    learners: list[str],
    exams: Sequence[Exam | None],
    now: datetime,
    expires_at: datetime | None,
) -> None:
    if not learners:
        raise InvalidInput(_("Give at least one learner."), field="learners")
    if len(learners) > MAX_LEARNERS:
        raise InvalidInput(
            ngettext(
                "Give at most %(count)d learner at once.",
                "Give at most %(count)d learners at once.",
                MAX_LEARNERS,
            )
            % {"count": MAX_LEARNERS},
            field="learners",
        )
    if not exams:
        raise InvalidInput(_("Choose at least one exam, or all timed exams."), field="exams")
    if len(exams) > MAX_EXAMS:
        raise InvalidInput(
            ngettext(
                "Choose at most %(count)d exam at once.",
                "Choose at most %(count)d exams at once.",
                MAX_EXAMS,
            )
            % {"count": MAX_EXAMS},
            field="exams",
        )
    clean_expiry(expires_at, now=now)


def allowance_grant_bulk(
    *,
    course: Course,
    learners: Iterable[str],
    exams: Sequence[Exam | None],
    value: AllowanceValue,
    reason: str = "",
    expires_at: datetime | None = None,
    granted_by: Actor,
    now: datetime | None = None,
) -> list[BulkResult]:
    """Grant the same allowance to every (learner, exam) pair; return one result per pair.

    Not one transaction: each pair is its own `allowance_grant` (atomic, audited), so the
    granted pairs stay when others are refused. Raises InvalidInput, saving nothing, when the
    shared part is wrong (no learners, too many, no exam, a bad expiry). The exams
    must already be the course's special exams (the caller resolves ids within the course).
    Learners are taken once each, in the order given.
    """
    now = now or timezone.now()
    names = _unique(learners)
    _check_shared(learners=names, exams=exams, now=now, expires_at=expires_at)
    users = learners_resolve(names)
    return [
        _grant_pair(
            name,
            users[name],
            exam,
            course=course,
            value=value,
            reason=reason,
            expires_at=expires_at,
            granted_by=granted_by,
            now=now,
        )
        for name in names
        for exam in exams
    ]


def _grant_pair(name: str, user: Any, exam: Exam | None, **grant: Any) -> BulkResult:
    scope: dict[str, Any] = {
        "learner": name,
        "exam_id": exam.pk if exam else None,
        "exam_name": exam.name if exam else "",
    }
    if isinstance(user, Problem):
        return BulkResult(ok=False, code=user.code, message=user.message, **scope)
    try:
        allowance = allowance_grant(learner=user, exam=exam, **grant)
    except DomainError as error:
        return BulkResult(ok=False, code=error.code, message=error.message, **scope)
    return BulkResult(ok=True, allowance_id=allowance.pk, **scope)
