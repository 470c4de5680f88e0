"""Exam time arithmetic. Pure functions: no database, no clock of their own (`now` is passed in).

All durations are whole seconds; all datetimes are timezone-aware.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

# The moments accepted from anyone (due dates, expiries, a provider's times), in UTC: years
# 2000 to 2999, far enough from datetime's limits that any time arithmetic on them is valid.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def accepted_utc(moment: datetime) -> datetime | None:
    """`moment` (aware) in UTC when it lies in [EARLIEST, LATEST), else None, including when
    the conversion itself leaves datetime's range (9999-12-31T23:59-05:00 is year 10000)."""
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return utc if EARLIEST <= utc < LATEST else None


# Share of the allowed time left when the learner is warned (seeds: 20% and 5%).
WARNING_SHARES = (Decimal("0.20"), Decimal("0.05"))


def allowed_seconds(
    *, time_limit_minutes: int, additional_minutes: int = 0, multiplier: Decimal = Decimal(1)
) -> int:
    """Return the time a learner is allowed: (time allotted + additional minutes) x multiplier."""
    minutes = (Decimal(time_limit_minutes) + Decimal(additional_minutes)) * multiplier
    return int((minutes * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Deadline:
    at: datetime
    # True when the due date, not the allowed time, sets the deadline.
    cut_by_due_date: bool

    def seconds_from(self, start: datetime) -> int:
        return max(0, int((self.at - start).total_seconds()))


def deadline(*, start: datetime, seconds: int, due_at: datetime | None) -> Deadline:
    """Return when an attempt begun at `start` with `seconds` of time must end."""
    natural = start + timedelta(seconds=seconds)
    if due_at is not None and due_at < natural:
        return Deadline(at=max(due_at, start), cut_by_due_date=True)
    return Deadline(at=natural, cut_by_due_date=False)


def seconds_remaining(*, deadline_at: datetime | None, now: datetime) -> int | None:
    """Whole seconds left before `deadline_at` (never negative); None when there is no clock."""
    if deadline_at is None:
        return None
    return max(0, int((deadline_at - now).total_seconds()))


def warning_thresholds(seconds: int) -> tuple[int, int]:
    """Seconds remaining at which the learner is warned: 20% and 5% of their allowed time."""
    first, second = (
        int((Decimal(seconds) * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        for share in WARNING_SHARES
    )
    return first, second


def is_overdue(*, deadline_at: datetime | None, now: datetime, grace_seconds: int = 0) -> bool:
    """True once `now` is past the deadline plus `grace_seconds`."""
    if deadline_at is None:
        return False
    return now > deadline_at + timedelta(seconds=grace_seconds)


def extend(*, deadline_at: datetime, extra_seconds: int, due_at: datetime | None) -> Deadline:
    """Move a running attempt's deadline later by `extra_seconds`, still cut at the due date.

    Never moves it earlier: a running clock is not shortened.
    """
    moved = deadline(start=deadline_at, seconds=max(0, extra_seconds), due_at=due_at)
    if moved.at < deadline_at:
        return Deadline(at=deadline_at, cut_by_due_date=True)
    return moved


def parse_hhmm(value: str) -> int:
    """Parse Time Allotted written as HH:MM into minutes; raise ValueError with a reason."""
    text = (value or "").strip()
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isdecimal() for p in parts):
        raise ValueError(_("Enter the time as HH:MM, for example 01:30."))
    hours_text, minutes_text = parts
    if len(minutes_text) != 2:
        raise ValueError(_("Write the minutes with two digits, for example 01:05."))
    hours, minutes = int(hours_text), int(minutes_text)
    if minutes > 59:
        raise ValueError(_("Minutes must be between 00 and 59."))
    total = hours * 60 + minutes
    if total == 0:
        raise ValueError(_("The time allotted must be at least one minute."))
    if total > 24 * 60:
        raise ValueError(_("The time allotted cannot be longer than 24:00."))
    return total


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
