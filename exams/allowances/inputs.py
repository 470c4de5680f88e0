"""An allowance's value, typed for its kind, and its parsing from what a door received.

Every door (API, page, admin, bulk, CSV row) parses a value through `AllowanceValue.parse`,
so a bad value is refused with the same code and message everywhere; the services take only
parsed values.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from exams.exceptions import InvalidInput
from exams.models import Allowance, AllowanceKind
from exams.models.allowances import MAX_ADDITIONAL_MINUTES, MAX_MULTIPLIER

MAX_TEXT = 2000


@dataclass(frozen=True)
class AllowanceValue:
    """One kind's value: minutes, a multiplier, or the reviewers' text."""

    kind: str
    minutes: int | None = None
    multiplier: Decimal | None = None
    text: str = ""

    @classmethod
    def parse(cls, kind: Any, raw: Any) -> "AllowanceValue":
        """`raw` (text, or a number) checked against `kind`; InvalidInput says what is wrong."""
        parser = _PARSERS.get(kind)
        if parser is None:
            raise InvalidInput(
                _("Unknown allowance kind '%(kind)s'.") % {"kind": kind}, field="kind"
            )
        return parser(raw)


def _minutes(raw: Any) -> AllowanceValue:
    try:
        minutes = int(str(raw).strip())
    except (TypeError, ValueError):
        raise InvalidInput(_("Additional minutes must be a whole number."), field="value") from None
    if not 1 <= minutes <= MAX_ADDITIONAL_MINUTES:
        raise InvalidInput(
            _("Additional minutes must be between 1 and %(max)s.")
            % {"max": MAX_ADDITIONAL_MINUTES},
            field="value",
        )
    return AllowanceValue(AllowanceKind.ADDITIONAL_MINUTES, minutes=minutes)


def _multiplier(raw: Any) -> AllowanceValue:
    try:
        multiplier = Decimal(str(raw).strip())
    except (InvalidOperation, TypeError):
        raise InvalidInput(
            _("The time multiplier must be a number such as 1.5."), field="value"
        ) from None
    if not multiplier.is_finite() or not Decimal(1) < multiplier <= MAX_MULTIPLIER:
        raise InvalidInput(
            _("The time multiplier must be above 1 and at most %(max)s.") % {"max": MAX_MULTIPLIER},
            field="value",
        )
    if multiplier != multiplier.quantize(Decimal("0.01")):
        raise InvalidInput(_("Use at most two decimals for the multiplier."), field="value")
    return AllowanceValue(AllowanceKind.TIME_MULTIPLIER, multiplier=multiplier)


def _exception(raw: Any) -> AllowanceValue:
    text = str(raw or "").strip()
    if not text:
        raise InvalidInput(_("Describe the exception for the reviewers."), field="value")
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("Keep the exception under 2000 characters."), field="value")
    return AllowanceValue(AllowanceKind.REVIEW_EXCEPTION, text=text)


_PARSERS = {
    AllowanceKind.ADDITIONAL_MINUTES: _minutes,
    AllowanceKind.TIME_MULTIPLIER: _multiplier,
    AllowanceKind.REVIEW_EXCEPTION: _exception,
}


def value_text(allowance: Allowance) -> str:
    """The allowance's value as it is entered (what `parse` reads back): minutes, multiplier
    or the reviewers' text. Every door shows a stored value this way."""
    if allowance.kind == AllowanceKind.ADDITIONAL_MINUTES:
        return str(allowance.minutes)
    if allowance.kind == AllowanceKind.TIME_MULTIPLIER:
        return str(allowance.multiplier)
    return allowance.text
