"""The split of a time entry and the entitlement periods, against simple references."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.catalog import RU_SUPPORT
from supportdesk.slamath.hours import HoursRules
from supportdesk.slamath.worktime import (
    DOUBLE_OFF_HOURS,
    ChargeRule,
    Period,
    Split,
    SplitError,
    contract_year,
    quarter,
    split,
)
from tests.slamath.reference import Reference
from tests.slamath.strategies import calendar_case

MSK = ZoneInfo("Europe/Moscow")
WINDOW = 3 * 24 * 60


@given(calendar_case(), st.integers(0, WINDOW), st.integers(1, 4))
def test_split_matches_minute_reference(
    case: tuple[str, HoursRules, datetime], minutes: int, multiplier: int
) -> None:
    zone, rules, start = case
    calendar, reference = WorkCalendar("case", zone, rules), Reference(zone, rules)
    end = start + timedelta(minutes=minutes)
    rule = ChargeRule("case", multiplier)
    inside = 60 * reference.working_minutes(start, end)
    outside = 60 * minutes - inside
    assert split(calendar, start, end, rule) == Split(
        inside, outside, inside + multiplier * outside
    )


@given(calendar_case(), st.integers(0, WINDOW), st.integers(0, WINDOW))
def test_split_is_additive(case: tuple[str, HoursRules, datetime], first: int, second: int) -> None:
    zone, rules, start = case
    calendar = WorkCalendar("case", zone, rules)
    middle = start + timedelta(minutes=first)
    end = middle + timedelta(minutes=second)
    whole, left, right = (
        split(calendar, start, end),
        split(calendar, start, middle),
        split(calendar, middle, end),
    )
    assert whole.in_hours_seconds == left.in_hours_seconds + right.in_hours_seconds
    assert whole.charged_seconds == left.charged_seconds + right.charged_seconds


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


SUPPORT = RU_SUPPORT.build()


@pytest.mark.parametrize(
    ("start", "end", "inside", "outside"),
    [
        # Across closing time (19:00 MSK on a working Tuesday): 1 h in, 1.5 h out.
        ("2026-03-10 18:00", "2026-03-10 20:30", 3600, 5400),
        # A public holiday (12 June 2026, a Friday): all of it off hours.
        ("2026-06-12 10:00", "2026-06-12 14:00", 0, 4 * 3600),
        # A transferred working Saturday (1 November 2025): business hours as on a weekday.
        ("2025-11-01 09:00", "2025-11-01 12:00", 2 * 3600, 3600),
        # A night from Monday 22:00 to Tuesday 11:00: only 10:00-11:00 inside.
        ("2026-03-16 22:00", "2026-03-17 11:00", 3600, 12 * 3600),
        # An ordinary Saturday: all off hours.
        ("2026-03-14 10:00", "2026-03-14 12:00", 0, 2 * 3600),
    ],
)
def test_split_on_the_vendor_calendar(start: str, end: str, inside: int, outside: int) -> None:
    assert split(SUPPORT, at(start), at(end)) == Split(inside, outside, inside + 2 * outside)


def test_split_drops_fractions_of_a_second_and_refuses_bad_intervals() -> None:
    start = datetime(2026, 3, 10, 7, 0, 0, 900_000, tzinfo=UTC)  # 10:00:00.9 MSK
    assert split(SUPPORT, start, start + timedelta(seconds=10)).in_hours_seconds == 10
    with pytest.raises(SplitError):
        split(SUPPORT, start, start - timedelta(seconds=1))
    with pytest.raises(SplitError):
        split(SUPPORT, start.replace(tzinfo=None), start)
    assert DOUBLE_OFF_HOURS.charge(10, 5) == 20


# -- periods -------------------------------------------------------------------------------


def reference_contract_year(first_day: date, day: date) -> Period:
    """Walk whole years from the first day; an anniversary missing in a year is 28 Feb."""

    def anniversary(n: int) -> date:
        year = first_day.year + n
        if first_day.month == 2 and first_day.day == 29:
            leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
            return date(year, 2, 29 if leap else 28)
        return date(year, first_day.month, first_day.day)

    n = -200
    while anniversary(n + 1) <= day:
        n += 1
    return Period(anniversary(n), anniversary(n + 1))


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(dates, dates)
def test_contract_year_matches_reference(first_day: date, day: date) -> None:
    year = contract_year(first_day, day)
    assert year == reference_contract_year(first_day, day)
    assert day in year
    assert 365 <= (year.end - year.start).days <= 366


@given(dates)
def test_quarter_holds_the_day_and_starts_a_quarter(day: date) -> None:
    period = quarter(day)
    assert day in period
    assert period.start.day == 1
    assert period.start.month in (1, 4, 7, 10)
    assert period.end == quarter(period.end).start
    assert quarter(period.last_day) == period


def test_periods_at_their_boundaries() -> None:
    assert contract_year(date(2024, 2, 29), date(2025, 2, 27)) == Period(
        date(2024, 2, 29), date(2025, 2, 28)
    )
    assert contract_year(date(2024, 2, 29), date(2025, 2, 28)).start == date(2025, 2, 28)
    assert contract_year(date(2025, 3, 1), date(2026, 2, 28)).end == date(2026, 3, 1)
    assert quarter(date(2026, 3, 31)) == Period(date(2026, 1, 1), date(2026, 4, 1))
    assert quarter(date(2026, 12, 31)) == Period(date(2026, 10, 1), date(2027, 1, 1))
