"""An allowance's value is parsed for its kind once, for every door; the value as entered reads
back to the same value."""

from decimal import Decimal

import pytest

from exams.allowances.inputs import AllowanceValue, value_text
from exams.exceptions import InvalidInput
from exams.models import Allowance, AllowanceKind

MINUTES = AllowanceKind.ADDITIONAL_MINUTES
MULTIPLIER = AllowanceKind.TIME_MULTIPLIER
EXCEPTION = AllowanceKind.REVIEW_EXCEPTION


@pytest.mark.parametrize(
    ("kind", "raw", "parsed"),
    [
        (MINUTES, "30", AllowanceValue(MINUTES, minutes=30)),
        (MINUTES, 30, AllowanceValue(MINUTES, minutes=30)),
        (MULTIPLIER, " 1.5 ", AllowanceValue(MULTIPLIER, multiplier=Decimal("1.5"))),
        (MULTIPLIER, 1.25, AllowanceValue(MULTIPLIER, multiplier=Decimal("1.25"))),
        (EXCEPTION, "  Reads aloud. ", AllowanceValue(EXCEPTION, text="Reads aloud.")),
    ],
)
def test_a_value_is_parsed_for_its_kind(kind, raw, parsed):
    assert AllowanceValue.parse(kind, raw) == parsed


@pytest.mark.parametrize(
    ("kind", "raw", "field"),
    [
        ("nap_time", "30", "kind"),
        (MINUTES, "thirty", "value"),
        (MINUTES, "0", "value"),
        (MINUTES, "1441", "value"),
        (MULTIPLIER, "1", "value"),
        (MULTIPLIER, "1.255", "value"),
        (MULTIPLIER, "NaN", "value"),
        (MULTIPLIER, "10.01", "value"),
        (EXCEPTION, "   ", "value"),
        (EXCEPTION, "x" * 2001, "value"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(kind, raw, field):
    with pytest.raises(InvalidInput) as refused:
        AllowanceValue.parse(kind, raw)

    assert refused.value.extra == {"field": field}


@pytest.mark.parametrize(
    "value",
    [
        AllowanceValue(MINUTES, minutes=45),
        AllowanceValue(MULTIPLIER, multiplier=Decimal("1.50")),
        AllowanceValue(EXCEPTION, text="Uses a screen reader."),
    ],
)
def test_the_value_as_entered_parses_back_to_the_stored_value(value):
    stored = Allowance(
        kind=value.kind, minutes=value.minutes, multiplier=value.multiplier, text=value.text
    )

    assert AllowanceValue.parse(stored.kind, value_text(stored)) == value
