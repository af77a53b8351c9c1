"""Every calendar operation agrees with the minute-stepping reference.

Calendars are random: lunch breaks, split shifts, night shifts past midnight, whole days,
working Saturdays, shortened days and holidays; zones with DST (whole and half hours);
windows starting within three days of a DST change.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.hours import HoursRules
from tests.slamath.reference import Reference, utc
from tests.slamath.strategies import calendar_case

WINDOW = 4 * 24 * 60  # minutes the reference walks at most


def both(zone: str, rules: HoursRules) -> tuple[WorkCalendar, Reference]:
    return WorkCalendar("case", zone, rules), Reference(zone, rules)


@given(calendar_case(), st.integers(0, WINDOW))
def test_is_open_matches_reference(case: tuple[str, HoursRules, datetime], minutes: int) -> None:
    zone, rules, start = case
    calendar, reference = both(zone, rules)
    instant = start + timedelta(minutes=minutes)
    assert calendar.is_open(instant) == reference.is_open(instant)
    # Just before a minute boundary belongs to the minute before.
    assert calendar.is_open(instant - timedelta(microseconds=1)) == reference.is_open(
        instant - timedelta(minutes=1)
    )


@given(calendar_case(), st.integers(0, WINDOW))
def test_working_time_and_days_match_reference(
    case: tuple[str, HoursRules, datetime], minutes: int
) -> None:
    zone, rules, start = case
    calendar, reference = both(zone, rules)
    end = start + timedelta(minutes=minutes)
    assert calendar.working_time(start, end) == timedelta(
        minutes=reference.working_minutes(start, end)
    )
    assert calendar.working_days(start, end) == reference.working_days(start, end)


@given(calendar_case(), st.integers(0, 3000))
def test_add_matches_reference(case: tuple[str, HoursRules, datetime], minutes: int) -> None:
    zone, rules, start = case
    calendar, reference = both(zone, rules)
    expected = reference.add(start, minutes, limit=30 * 24 * 60)
    assume(expected is not None)
    got = calendar.add(start, timedelta(minutes=minutes))
    # Compared in UTC: Python never finds an ambiguous (DST fold) local time equal to
    # an instant in another zone.
    assert utc(got) == expected
    assert got.tzinfo == calendar.zone


@given(calendar_case())
def test_next_open_matches_reference(case: tuple[str, HoursRules, datetime]) -> None:
    zone, rules, start = case
    calendar, reference = both(zone, rules)
    expected = reference.next_open(start, limit=30 * 24 * 60)
    assume(expected is not None)
    assert utc(calendar.next_open(start)) == expected


@given(
    calendar_case(),
    st.lists(
        st.tuples(st.integers(0, WINDOW // 4), st.integers(0, WINDOW // 4)), min_size=1, max_size=4
    ),
    st.integers(0, 2000),
)
def test_paused_clock_segments_match_reference(
    case: tuple[str, HoursRules, datetime], gaps_and_runs: list[tuple[int, int]], minutes: int
) -> None:
    """working_time_over / add_over: only the active segments count (pauses lose nothing)."""
    zone, rules, start = case
    calendar, reference = both(zone, rules)
    segments, moment = [], start
    for gap, run in gaps_and_runs:
        segments.append((moment + timedelta(minutes=gap), moment + timedelta(minutes=gap + run)))
        moment = segments[-1][1]
    expected_total = sum(reference.working_minutes(a, b) for a, b in segments)
    assert calendar.working_time_over(segments) == timedelta(minutes=expected_total)

    # Walk the segments minute by minute for the reference add.
    left, expected_due = minutes, None
    for a, b in segments:
        at = a
        while at < b and left > 0:
            left -= reference.is_open(at)
            at += timedelta(minutes=1)
        if left == 0:
            expected_due = at if minutes else segments[0][0]
            break
    got = calendar.add_over(segments, timedelta(minutes=minutes))
    assert (utc(got) if got else None) == expected_due


@given(calendar_case(), st.integers(1, 10**6), st.integers(0, 10**6 - 1))
def test_add_and_working_time_are_inverse_to_the_microsecond(
    case: tuple[str, HoursRules, datetime], seconds: int, micros: int
) -> None:
    zone, rules, start = case
    calendar = WorkCalendar("case", zone, rules)
    assume(any(rules.weekly))
    begin = start + timedelta(microseconds=micros)
    duration = timedelta(seconds=seconds, microseconds=micros)
    due = calendar.add(begin, duration)
    assert calendar.working_time(begin, due) == duration
    # Nothing is left over: a microsecond earlier is not enough.
    assert calendar.working_time(begin, due - timedelta(microseconds=1)) < duration


@given(calendar_case(), st.integers(0, 10**6), st.integers(0, 10**6))
def test_working_time_is_additive(
    case: tuple[str, HoursRules, datetime], one: int, two: int
) -> None:
    zone, rules, start = case
    calendar = WorkCalendar("case", zone, rules)
    middle = start + timedelta(seconds=one)
    end = middle + timedelta(seconds=two)
    assert calendar.working_time(start, middle) + calendar.working_time(middle, end) == (
        calendar.working_time(start, end)
    )


def test_naive_datetimes_are_refused() -> None:
    calendar = WorkCalendar("case", "UTC", HoursRules(weekly=(((0, 86400),),) * 7))
    with pytest.raises(ValueError, match="naive"):
        calendar.add(datetime(2026, 1, 1), timedelta(hours=1))  # noqa: DTZ001
