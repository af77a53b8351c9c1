"""Work time split on a business calendar, and the entitlement periods (pure, no Django).

An engineer's time entry ``[start, end)`` is split on the vendor's business calendar into
the seconds inside business hours and the seconds outside them. The charged figure is
``in_hours + multiplier × off_hours``: the offer's double rate is the shipped rule
(``DOUBLE_OFF_HOURS``), and the rule is data stored with each entry, so a figure can be
explained later whatever the rule is then. Nothing is rounded.

The entitlement periods: a contract year runs from one anniversary of the contract's
first day to the next (a 29 February start has its anniversary on 28 February in other
years); a quarter is a calendar quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from supportdesk.slamath.calendar import WorkCalendar


class SplitError(ValueError):
    """The interval cannot be split (naive instants, end before start)."""


@dataclass(frozen=True, slots=True)
class ChargeRule:
    """How in- and off-hours seconds become charged seconds; ``code`` is what is stored."""

    code: str
    off_hours_multiplier: int

    def charge(self, in_hours_seconds: int, off_hours_seconds: int) -> int:
        return in_hours_seconds + self.off_hours_multiplier * off_hours_seconds


DOUBLE_OFF_HOURS = ChargeRule("off-hours-2x", 2)
RULES = {DOUBLE_OFF_HOURS.code: DOUBLE_OFF_HOURS}


@dataclass(frozen=True, slots=True)
class Split:
    in_hours_seconds: int
    off_hours_seconds: int
    charged_seconds: int

    @property
    def total_seconds(self) -> int:
        return self.in_hours_seconds + self.off_hours_seconds


def whole_seconds(instant: datetime) -> datetime:
    """Entries are kept to the second: the split is then exact integers."""
    return instant.replace(microsecond=0)


def split(
    calendar: WorkCalendar, start: datetime, end: datetime, rule: ChargeRule = DOUBLE_OFF_HOURS
) -> Split:
    """``[start, end)`` in whole seconds (fractions of a second are dropped from both ends)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise SplitError("a start and an end need a UTC offset")
    start, end = whole_seconds(start), whole_seconds(end)
    if end < start:
        raise SplitError("the end is before the start")
    total = round((end - start).total_seconds())
    inside = round(calendar.working_time(start, end).total_seconds())
    outside = total - inside
    return Split(inside, outside, rule.charge(inside, outside))


# -- periods -------------------------------------------------------------------------------


def anniversary(first_day: date, years: int) -> date:
    year = first_day.year + years
    try:
        return first_day.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return date(year, 2, 28)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """The dates ``[start, end)``."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def contract_year(first_day: date, day: date) -> Period:
    """The contract year that holds ``day`` (before the first day: the year before it)."""
    years = day.year - first_day.year
    if anniversary(first_day, years) > day:
        years -= 1
    return Period(anniversary(first_day, years), anniversary(first_day, years + 1))


def quarter(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return Period(start, end)
