"""Exam time arithmetic: allowed time, deadlines, warnings, HH:MM. Pure, no database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from exams import timing

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_sixty_minutes_warn_at_twelve_and_three_minutes():
    assert timing.warning_thresholds(3600) == (720, 180)


def test_warning_thresholds_round_half_up_to_whole_seconds():
    # 20% of 1 s is 0.2 -> 0; 5% of 90 s is 4.5 -> 5
    assert timing.warning_thresholds(90) == (18, 5)
    assert timing.warning_thresholds(1) == (0, 0)


def test_allowed_seconds_is_the_time_allotted_without_allowances():
    assert timing.allowed_seconds(time_limit_minutes=60) == 3600


def test_allowed_seconds_adds_additional_minutes():
    assert timing.allowed_seconds(time_limit_minutes=60, additional_minutes=30) == 5400


def test_allowed_seconds_applies_the_multiplier():
    assert timing.allowed_seconds(time_limit_minutes=60, multiplier=Decimal("1.5")) == 5400


def test_allowed_seconds_multiplies_time_allotted_plus_additional_minutes():
    seconds = timing.allowed_seconds(
        time_limit_minutes=60, additional_minutes=30, multiplier=Decimal("1.5")
    )

    assert seconds == 8100  # (60 + 30) x 1.5 = 135 minutes


def test_allowed_seconds_keeps_seconds_not_whole_minutes():
    # 7 x 1.25 = 8.75 minutes = 525 seconds
    assert timing.allowed_seconds(time_limit_minutes=7, multiplier=Decimal("1.25")) == 525


def test_deadline_is_start_plus_allowed_time_without_due_date():
    end = timing.deadline(start=START, seconds=3600, due_at=None)

    assert end == timing.Deadline(at=START + timedelta(hours=1), cut_by_due_date=False)


def test_deadline_is_cut_at_an_earlier_due_date():
    due = START + timedelta(minutes=30)

    end = timing.deadline(start=START, seconds=3600, due_at=due)

    assert end.at == due
    assert end.cut_by_due_date is True
    assert end.seconds_from(START) == 1800


def test_deadline_ignores_a_due_date_after_the_allowed_time():
    end = timing.deadline(start=START, seconds=3600, due_at=START + timedelta(hours=2))

    assert end == timing.Deadline(at=START + timedelta(hours=1), cut_by_due_date=False)


def test_deadline_is_not_cut_when_due_date_equals_the_natural_end():
    end = timing.deadline(start=START, seconds=3600, due_at=START + timedelta(hours=1))

    assert end == timing.Deadline(at=START + timedelta(hours=1), cut_by_due_date=False)


def test_deadline_never_lies_before_the_start_when_due_date_passed():
    end = timing.deadline(start=START, seconds=3600, due_at=START - timedelta(minutes=5))

    assert end == timing.Deadline(at=START, cut_by_due_date=True)
    assert end.seconds_from(START) == 0


def test_seconds_remaining_counts_down_and_stops_at_zero():
    deadline_at = START + timedelta(minutes=10)

    assert timing.seconds_remaining(deadline_at=deadline_at, now=START) == 600
    assert timing.seconds_remaining(deadline_at=deadline_at, now=deadline_at) == 0
    later = deadline_at + timedelta(minutes=1)
    assert timing.seconds_remaining(deadline_at=deadline_at, now=later) == 0


def test_seconds_remaining_is_none_without_a_clock():
    assert timing.seconds_remaining(deadline_at=None, now=START) is None


def test_is_overdue_only_after_deadline_plus_grace():
    deadline_at = START

    assert timing.is_overdue(deadline_at=deadline_at, now=START) is False
    assert timing.is_overdue(deadline_at=deadline_at, now=START + timedelta(seconds=1)) is True
    assert (
        timing.is_overdue(
            deadline_at=deadline_at, now=START + timedelta(seconds=10), grace_seconds=10
        )
        is False
    )
    assert (
        timing.is_overdue(
            deadline_at=deadline_at, now=START + timedelta(seconds=11), grace_seconds=10
        )
        is True
    )


def test_is_overdue_never_without_a_clock():
    assert timing.is_overdue(deadline_at=None, now=START + timedelta(days=365)) is False


def test_extend_moves_the_deadline_later_by_the_extra_seconds():
    moved = timing.extend(deadline_at=START, extra_seconds=600, due_at=None)

    assert moved == timing.Deadline(at=START + timedelta(minutes=10), cut_by_due_date=False)


def test_extend_is_still_cut_at_the_due_date():
    due = START + timedelta(minutes=5)

    moved = timing.extend(deadline_at=START, extra_seconds=600, due_at=due)

    assert moved == timing.Deadline(at=due, cut_by_due_date=True)


@pytest.mark.parametrize("extra_seconds", [0, -1, -3600])
def test_extend_never_moves_the_deadline_earlier(extra_seconds):
    moved = timing.extend(deadline_at=START, extra_seconds=extra_seconds, due_at=None)

    assert moved.at == START


def test_extend_never_moves_earlier_even_when_the_due_date_lies_before_the_deadline():
    moved = timing.extend(
        deadline_at=START, extra_seconds=600, due_at=START - timedelta(minutes=10)
    )

    assert moved == timing.Deadline(at=START, cut_by_due_date=True)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("01:30", 90), ("00:01", 1), ("24:00", 1440), (" 02:05 ", 125), ("1:30", 90)],
)
def test_parse_hhmm_accepts_hours_and_two_digit_minutes(text, minutes):
    assert timing.parse_hhmm(text) == minutes


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1:5", "Write the minutes with two digits, for example 01:05."),
        ("25:61", "Minutes must be between 00 and 59."),
        ("", "Enter the time as HH:MM, for example 01:30."),
        ("-01:00", "Enter the time as HH:MM, for example 01:30."),
        ("00:00", "The time allotted must be at least one minute."),
        ("24:01", "The time allotted cannot be longer than 24:00."),
        ("90", "Enter the time as HH:MM, for example 01:30."),
        ("01:30:00", "Enter the time as HH:MM, for example 01:30."),
        ("aa:bb", "Enter the time as HH:MM, for example 01:30."),
        ("01:3\u00b2", "Enter the time as HH:MM, for example 01:30."),
        ("\u00b2:30", "Enter the time as HH:MM, for example 01:30."),
    ],
)
def test_parse_hhmm_refuses_malformed_or_out_of_range_times(text, reason):
    with pytest.raises(ValueError) as raised:
        timing.parse_hhmm(text)

    assert str(raised.value) == reason


@pytest.mark.parametrize(("minutes", "text"), [(90, "01:30"), (1, "00:01"), (1440, "24:00")])
def test_format_hhmm_is_the_inverse_of_parse(minutes, text):
    assert timing.format_hhmm(minutes) == text
    assert timing.parse_hhmm(timing.format_hhmm(minutes)) == minutes
