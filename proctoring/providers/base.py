"""The one interface every proctoring provider implements, with typed inputs and outputs."""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from exams import json_input, timing
from proctoring import signing
from proctoring.exceptions import CallbackRejected

# What a vendor's verdict means for the attempt. Suspicious-only flags can still pass
# ("flagged_ok"): the seeds allow a Satisfactory result with flags that do not affect integrity.
DEFAULT_VERDICTS: Mapping[str, str] = {
    "passed": "verified",
    "clean": "verified",
    "flagged_ok": "verified",
    "violation": "rejected",
    "failed": "rejected",
    "suspicious": "second_review_required",
    "second_review": "second_review_required",
    "not_reviewed": "error",
    "error": "error",
}

EVENTS = frozenset({"ready", "started", "heartbeat", "session_submitted", "error", "review"})


@dataclass(frozen=True)
class ExamRegistration:
    exam_id: int
    name: str
    time_limit_minutes: int
    review_rules: str
    is_practice: bool


@dataclass(frozen=True)
class SessionRequest:
    """What a provider gets when a session opens: enough for its reviewers, no more."""

    attempt_code: str
    exam_external_id: str
    learner_ref: str  # an opaque id, not the username
    learner_name: str
    allowed_seconds: int
    review_rules: str
    review_exceptions: tuple[str, ...]
    is_practice: bool
    callback_url: str


@dataclass(frozen=True)
class SessionOpened:
    external_id: str
    software_url: str = ""


@dataclass(frozen=True)
class SetupStep:
    title: str
    description: str


@dataclass(frozen=True)
class LearnerUi:
    """What the learner's pages show and do for this provider."""

    steps: tuple[SetupStep, ...] = ()
    software_url: str = ""
    # A BroadcastChannel name on which the software says it is alive; empty: no liveness check.
    liveness_channel: str = ""


@dataclass(frozen=True)
class CallbackEvent:
    delivery_id: str
    event: str
    attempt_code: str
    occurred_at: datetime
    verdict: str = ""
    flags: tuple[str, ...] = ()
    comments: str = ""
    # The provider's page for the review (recording, notes): an http(s) address, or empty.
    review_url: str = ""
    reason: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


class ProctoringProvider(ABC):
    """A proctoring service. Configured in settings.PROCTORING_PROVIDERS by name."""

    name: str
    uses_proctoring = True

    def __init__(self, name: str, options: Mapping[str, Any]) -> None:
        self.name = name
        self.options = options
        self.verdicts: Mapping[str, str] = {**DEFAULT_VERDICTS, **options.get("VERDICTS", {})}

    @abstractmethod
    def register_exam(self, exam: ExamRegistration) -> str:
        """Register or update an exam with the provider; return the provider's exam id."""

    @abstractmethod
    def open_session(self, request: SessionRequest) -> SessionOpened:
        """Open a proctoring session for an attempt."""

    @abstractmethod
    def learner_ui(self, attempt_code: str) -> LearnerUi:
        """Setup steps and links for the learner."""

    def notify(self, *, external_id: str, attempt_code: str, event: str) -> None:  # noqa: B027
        """Tell the provider the exam started or stopped. Default: nothing to tell."""

    def verify_callback(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        """Raise CallbackRejected unless the delivery is authentic and fresh."""
        secret = str(self.options.get("SECRET", ""))
        token = str(self.options.get("TOKEN", ""))
        authorization = headers.get("authorization", "")
        if token and authorization.startswith("Bearer "):
            signing.check_token(authorization.removeprefix("Bearer ").strip(), token)
            return
        signing.verify(
            secret=secret,
            timestamp=headers.get("x-proctoring-timestamp", ""),
            signature=headers.get("x-proctoring-signature", ""),
            body=body,
            now=now,
        )

    def parse_callback(self, body: bytes) -> CallbackEvent:
        """Turn a callback body (the generic JSON format) into a typed event."""
        data = _json_object(body)
        delivery_id = data.get("delivery_id")
        event = data.get("event")
        code = data.get("attempt_code")
        occurred = _moment(data.get("occurred_at"))
        if not isinstance(delivery_id, str) or not 0 < len(delivery_id) <= 128:
            raise CallbackRejected(
                "malformed_body", "delivery_id must be a string of 1-128 characters."
            )
        if event not in EVENTS:
            raise CallbackRejected("malformed_body", f"event must be one of {sorted(EVENTS)}.")
        if not isinstance(code, str) or not 0 < len(code) <= 64:
            raise CallbackRejected("malformed_body", "attempt_code must be a string.")
        if occurred is None:
            raise CallbackRejected(
                "malformed_body",
                "occurred_at must be an ISO 8601 time with offset, in the years 2000-2999.",
            )
        review = data.get("review") or {}
        if not isinstance(review, dict):
            raise CallbackRejected("malformed_body", "review must be an object.")
        verdict = str(review.get("verdict", ""))
        if event == "review" and verdict not in self.verdicts:
            raise CallbackRejected("unknown_verdict", f"Unknown verdict '{verdict}'.")
        flags = review.get("flags") or []
        if not isinstance(flags, list):
            raise CallbackRejected("malformed_body", "review.flags must be a list.")
        review_url = review.get("url") or ""
        if not isinstance(review_url, str) or len(review_url) > 1000:
            raise CallbackRejected("malformed_body", "review.url must be a link.")
        if review_url and not review_url.startswith(("https://", "http://")):
            raise CallbackRejected("malformed_body", "review.url must be an http(s) address.")
        return CallbackEvent(
            delivery_id=delivery_id,
            event=event,
            attempt_code=code,
            occurred_at=occurred,
            verdict=verdict,
            flags=tuple(str(f)[:200] for f in flags[:50]),
            comments=str(review.get("comments", ""))[:5000],
            review_url=review_url,
            reason=str(data.get("reason", ""))[:300],
        )

    def map_verdict(self, verdict: str) -> str:
        return self.verdicts[verdict]


def _json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; CallbackRejected if it is none, or if one of its strings holds
    a NUL character ("\\u0000": PostgreSQL text cannot store it)."""
    try:
        data = json_input.parse(body)
    except json_input.JsonInputError as error:
        raise CallbackRejected("malformed_body", str(error)) from None
    if not isinstance(data, dict):
        raise CallbackRejected("malformed_body", "The body must be a JSON object.")
    if _has_nul(data):
        raise CallbackRejected("malformed_body", "The body contains a NUL character.")
    return data


def _has_nul(value: Any) -> bool:
    """True if a NUL character is in any string (key or value) of parsed JSON (walked without
    recursion)."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            if "\x00" in current:
                return True
        elif isinstance(current, dict):
            stack.extend(current.keys())
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return False


def _moment(value: object) -> datetime | None:
    """An ISO 8601 time with offset, in UTC and in the accepted range; else None (also for a
    well-formed impossible one, such as month 13)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return timing.accepted_utc(parsed)
