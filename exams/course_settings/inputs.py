"""The typed changes of course and exam settings, and their parsing from what a door received.

`parse` takes the fields given (a JSON body as DRF read it, a form's cleaned data), refuses an
unknown field or a bad value with `InvalidInput` naming it, and returns a change where every
field left out is KEEP. Rules that need the stored course or exam (a provider in use, an exam
with attempts) are the services'.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exams import timing
from exams.exceptions import InvalidInput
from exams.inputs import KEEP, Keep, parse_bool
from exams.models import ExamType

MAX_REVIEW_RULES = 10_000


def _given(change: object) -> dict[str, Any]:
    return {
        field.name: getattr(change, field.name)
        for field in fields(change)  # type: ignore[arg-type]
        if not isinstance(getattr(change, field.name), Keep)
    }


def _refuse_unknown(raw: Mapping[str, Any], known: Mapping[str, Any]) -> None:
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise InvalidInput(
            ngettext("Unknown settings: %(names)s.", "Unknown settings: %(names)s.", len(unknown))
            % {"names": ", ".join(unknown)},
            fields=unknown,
        )


@dataclass(frozen=True)
class CourseSettingsChange:
    """Enable Proctored Exams, Allow Opting Out and the proctoring provider's name."""

    proctored_exams_enabled: bool | Keep = KEEP
    allow_opting_out: bool | Keep = KEEP
    proctoring_provider: str | Keep = KEEP

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> "CourseSettingsChange":
        _refuse_unknown(raw, _COURSE_PARSERS)
        return cls(**{name: _COURSE_PARSERS[name](value) for name, value in raw.items()})

    def given(self) -> dict[str, Any]:
        """The fields to change, by model field."""
        return _given(self)


_COURSE_PARSERS: dict[str, Callable[[Any], Any]] = {
    "proctored_exams_enabled": lambda value: parse_bool(value, "proctored_exams_enabled"),
    "allow_opting_out": lambda value: parse_bool(value, "allow_opting_out"),
    "proctoring_provider": lambda value: str(value or "").strip(),
}


def _exam_type(value: Any) -> str:
    if value not in ExamType.values:
        choices = ", ".join(ExamType.values)
        raise InvalidInput(
            _("Unknown exam type '%(value)s'. Choose one of: %(choices)s.")
            % {"value": value, "choices": choices},
            field="exam_type",
        )
    return str(value)


def _time_allotted(value: Any) -> int | None:
    """HH:MM to minutes; empty or None: no time allotted."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return timing.parse_hhmm(str(value))
    except ValueError as error:
        raise InvalidInput(str(error), field="time_allotted") from None


def _review_rules(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_REVIEW_RULES:
        raise InvalidInput(
            ngettext(
                "Keep the review rules under %(max)d character.",
                "Keep the review rules under %(max)d characters.",
                MAX_REVIEW_RULES,
            )
            % {"max": MAX_REVIEW_RULES},
            field="review_rules",
        )
    return text


def _due_at(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise InvalidInput(_("Give the due date as a date and time with its zone."), field="due_at")
    moment = timing.accepted_utc(value)
    if moment is None:
        raise InvalidInput(
            _("Give a due date between the years 2000 and 2999 (UTC)."), field="due_at"
        )
    return moment


def _passing_percent(value: Any) -> Decimal:
    """A number (or its text) from 0 to 100 with at most two decimals."""
    try:
        percent = Decimal(str(value).strip())
    except (InvalidOperation, TypeError):
        raise InvalidInput(
            _("The passing score must be a number."), field="passing_percent"
        ) from None
    if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
        raise InvalidInput(
            _("The passing score must be between 0 and 100."), field="passing_percent"
        )
    if percent != percent.quantize(Decimal("0.01")):
        raise InvalidInput(
            _("Use at most two decimals for the passing score."), field="passing_percent"
        )
    return percent.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ExamSettingsChange:
    """An exam's type, time allotted (minutes), review rules, due date, pass mark, grading and
    activity; `None` clears the time allotted or the due date."""

    exam_type: str | Keep = KEEP
    time_limit_minutes: int | Keep | None = KEEP
    review_rules: str | Keep = KEEP
    due_at: datetime | Keep | None = KEEP
    passing_percent: Decimal | Keep = KEEP
    is_graded: bool | Keep = KEEP
    is_active: bool | Keep = KEEP

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> "ExamSettingsChange":
        """From the fields as doors name them (`time_allotted` as HH:MM)."""
        _refuse_unknown(raw, _EXAM_PARSERS)
        return cls(
            **{
                _EXAM_MODEL_FIELD.get(name, name): _EXAM_PARSERS[name](value)
                for name, value in raw.items()
            }
        )

    def given(self) -> dict[str, Any]:
        """The fields to change, by model field."""
        return _given(self)


_EXAM_PARSERS: dict[str, Callable[[Any], Any]] = {
    "exam_type": _exam_type,
    "time_allotted": _time_allotted,
    "review_rules": _review_rules,
    "due_at": _due_at,
    "passing_percent": _passing_percent,
    "is_graded": lambda value: parse_bool(value, "is_graded"),
    "is_active": lambda value: parse_bool(value, "is_active"),
}
# A door's name of a field -> the model's.
_EXAM_MODEL_FIELD = {"time_allotted": "time_limit_minutes"}
