"""Scoring of answers. Pure functions over plain values: no database.

A response is stored as JSON: a list of choice ids for choice questions, a decimal number
written as a string for numeric questions, a string for short-text questions.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exams.exceptions import InvalidInput

MAX_TEXT_LENGTH = 2000


@dataclass(frozen=True)
class QuestionKey:
    """What grading needs to know about a question."""

    kind: str
    points: Decimal
    correct_choice_ids: frozenset[int] = frozenset()
    all_choice_ids: frozenset[int] = frozenset()
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal(0)
    text_answers: tuple[str, ...] = ()


def _normalise_text(value: str) -> str:
    return " ".join(value.split()).casefold()


def _clean_choices(key: QuestionKey, raw: Any) -> list[int]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in raw
    ):
        raise InvalidInput(_("Choose one or more of the options."), field="response")
    chosen = sorted(set(raw))
    if not set(chosen) <= key.all_choice_ids:
        raise InvalidInput(_("That option does not belong to this question."), field="response")
    if key.kind == "single_choice" and len(chosen) > 1:
        raise InvalidInput(_("Choose only one option."), field="response")
    return chosen


def _clean_number(key: QuestionKey, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise InvalidInput(_("Enter a number."), field="response")
    text = str(raw).strip().replace(",", ".")
    if text == "":
        return ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(_("Enter a number, such as 42 or 3.14."), field="response") from None
    # By its exponent: arithmetic on 1e999999999 itself overflows the decimal context.
    if not number.is_finite() or (number != 0 and number.adjusted() >= 14):
        raise InvalidInput(_("Enter a finite number of reasonable size."), field="response")
    return text


def _clean_text(key: QuestionKey, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidInput(_("Enter text."), field="response")
    if "\x00" in raw:  # PostgreSQL cannot store it (a 500), and nobody types it
        raise InvalidInput(_("Answers cannot contain NUL characters."), field="response")
    if len(raw) > MAX_TEXT_LENGTH:
        raise InvalidInput(
            ngettext(
                "Answers are limited to %(max)d character.",
                "Answers are limited to %(max)d characters.",
                MAX_TEXT_LENGTH,
            )
            % {"max": MAX_TEXT_LENGTH},
            field="response",
        )
    return raw


_CLEANERS = {
    "single_choice": _clean_choices,
    "multiple_choice": _clean_choices,
    "numeric": _clean_number,
    "text": _clean_text,
}


def clean_response(key: QuestionKey, raw: Any) -> Any:
    """Return the response in its stored form, or raise InvalidInput saying what is wrong."""
    cleaner = _CLEANERS.get(key.kind)
    if cleaner is None:
        raise InvalidInput(_("Unknown question kind."), field="kind")
    return cleaner(key, raw)


def score(key: QuestionKey, response: Any) -> Decimal:
    """Points earned by a stored response: all or nothing."""
    if key.kind in ("single_choice", "multiple_choice"):
        chosen = frozenset(response or [])
        correct = bool(chosen) and chosen == key.correct_choice_ids
    elif key.kind == "numeric":
        if response in ("", None) or key.numeric_answer is None:
            return Decimal(0)
        try:
            value = Decimal(str(response))
            correct = abs(value - key.numeric_answer) <= key.numeric_tolerance
        except ArithmeticError:  # not a number, or one too large to compare (InvalidOperation,
            return Decimal(0)  # Overflow): stored before the answer checks existed
    elif key.kind == "text":
        given = _normalise_text(str(response or ""))
        correct = bool(given) and given in {_normalise_text(a) for a in key.text_answers}
    else:
        correct = False
    return key.points if correct else Decimal(0)


def is_passing(*, earned: Decimal, possible: Decimal, passing_percent: Decimal) -> bool:
    if possible <= 0:
        return True
    return earned * 100 >= passing_percent * possible
