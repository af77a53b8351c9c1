"""SLA clocks: pauses, reopen and priority changes never lose or invent time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportdesk.slamath.catalog import ALWAYS, RU_SUPPORT
from supportdesk.slamath.clock import (
    ClockError,
    ClockEvent,
    ClockStatus,
    EventKind,
    evaluate,
    next_alert,
)
from tests.slamath.reference import Reference, utc

MOSCOW = ZoneInfo("Europe/Moscow")
CALENDARS = {"ru-support": RU_SUPPORT.build(), "24x7": ALWAYS.build()}
lookup = CALENDARS.__getitem__


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW)  # Nov 2026: 23rd is a Monday


def start(when: datetime, hours: float, calendar: str = "ru-support") -> ClockEvent:
    return ClockEvent(EventKind.START, when, timedelta(hours=hours), calendar)


def test_running_clock_due_warnings_and_remaining() -> None:
    state = evaluate([start(at(23, 10), 8)], at(23, 12), lookup)
    assert state.status is ClockStatus.RUNNING
    assert state.elapsed == timedelta(hours=2)
    assert state.remaining == timedelta(hours=6)
    assert state.due_at == at(23, 18)
    assert state.warnings == {75: at(23, 16), 90: at(23, 17, 12)}
    assert not state.breached


def test_pause_stops_time_and_resume_continues_it() -> None:
    events = [
        start(at(23, 10), 8),
        ClockEvent(EventKind.PAUSE, at(23, 12), reason="waiting for customer"),
        ClockEvent(EventKind.RESUME, at(24, 15)),
    ]
    paused = evaluate(events, at(24, 11), lookup)
    assert paused.status is ClockStatus.PAUSED
    assert paused.elapsed == timedelta(hours=2)
    assert paused.due_at is None
    resumed = evaluate(events, at(24, 16), lookup)
    assert resumed.elapsed == timedelta(hours=3)
    assert resumed.due_at == at(25, 12)  # 6 h left at 15:00: 4 on the 24th, 2 on the 25th


def test_priority_change_applies_new_target_from_original_start() -> None:
    events = [
        start(at(23, 10), 40),  # P4
        ClockEvent(EventKind.TARGET, at(23, 13), timedelta(hours=5), "ru-support", "raised to P1"),
    ]
    state = evaluate(events, at(23, 13), lookup)
    assert state.elapsed == timedelta(hours=3)  # nothing lost
    assert state.due_at == at(23, 15)  # 5 h from the original start


def test_priority_change_to_a_24x7_target_recounts_elapsed_on_the_new_calendar() -> None:
    events = [
        start(at(23, 18), 40),
        ClockEvent(EventKind.TARGET, at(24, 9), timedelta(hours=16), "24x7", "raised to P3"),
    ]
    state = evaluate(events, at(24, 9), lookup)
    assert state.calendar == "24x7"
    assert state.elapsed == timedelta(hours=15)
    assert state.due_at == at(24, 10)


def test_a_target_lowered_below_elapsed_breaches_at_the_instant_it_was_reached() -> None:
    events = [
        start(at(23, 10), 40),
        ClockEvent(EventKind.TARGET, at(23, 17), timedelta(hours=5), "ru-support"),
    ]
    state = evaluate(events, at(23, 17), lookup)
    assert state.breached
    assert state.breached_at == at(23, 15)
    assert state.remaining == timedelta(hours=-2)


def test_stop_then_reopen_resumes_the_same_clock() -> None:
    events = [
        start(at(23, 10), 8),
        ClockEvent(EventKind.STOP, at(23, 14), reason="resolved"),
        ClockEvent(EventKind.RESUME, at(24, 10), reason="reopened"),
    ]
    stopped = evaluate(events, at(23, 18), lookup)
    assert stopped.status is ClockStatus.STOPPED
    assert stopped.elapsed == timedelta(hours=4)
    assert not stopped.breached
    reopened = evaluate(events, at(24, 12), lookup)
    assert reopened.elapsed == timedelta(hours=6)
    assert reopened.due_at == at(24, 14)


def test_events_after_now_are_not_known_yet() -> None:
    events = [start(at(23, 10), 8), ClockEvent(EventKind.PAUSE, at(23, 12))]
    assert evaluate(events, at(23, 11), lookup).status is ClockStatus.RUNNING


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([ClockEvent(EventKind.PAUSE, at(23, 10))], "cannot pause a clock that is not started"),
        ([start(at(23, 10), 1), start(at(23, 11), 1)], "cannot start a clock that is running"),
        (
            [start(at(23, 10), 1), ClockEvent(EventKind.RESUME, at(23, 11))],
            "cannot resume a clock that is running",
        ),
        ([start(at(23, 10), 0)], "target must be positive"),
        (
            [start(at(23, 10), 1), ClockEvent(EventKind.PAUSE, at(23, 9))],
            "time order",
        ),
    ],
)
def test_impossible_events_are_refused(events: list[ClockEvent], message: str) -> None:
    with pytest.raises(ClockError, match=message):
        evaluate(events, at(30, 10), lookup)


def test_next_alert_walks_75_90_then_breach() -> None:
    state = evaluate([start(at(23, 10), 8)], at(23, 12), lookup)
    assert next_alert(state, 0) == (75, at(23, 16))
    assert next_alert(state, 75) == (90, at(23, 17, 12))
    assert next_alert(state, 90) == (100, at(23, 18))
    assert next_alert(state, 100) is None


@given(
    st.integers(0, 7 * 24 * 60),
    st.lists(st.integers(1, 3 * 24 * 60), min_size=1, max_size=6),
    st.integers(1, 60 * 60),
    st.sampled_from(["ru-support", "24x7"]),
    st.integers(0, 3 * 24 * 60),
)
def test_clock_matches_minute_stepping(
    offset: int, gaps: list[int], target_minutes: int, calendar: str, after: int
) -> None:
    """Alternate run/pause stretches; elapsed and due agree with walking the minutes."""
    begin = datetime(2026, 12, 21, tzinfo=UTC) + timedelta(minutes=offset)
    events = [ClockEvent(EventKind.START, begin, timedelta(minutes=target_minutes), calendar)]
    moment = begin
    for index, gap in enumerate(gaps):
        moment += timedelta(minutes=gap)
        kind = EventKind.PAUSE if index % 2 == 0 else EventKind.RESUME
        events.append(ClockEvent(kind, moment))
    now = moment + timedelta(minutes=after)
    state = evaluate(events, now, lookup)

    definition = RU_SUPPORT if calendar == "ru-support" else ALWAYS
    reference = Reference(definition.time_zone, CALENDARS[calendar].rules)
    switches = {event.at: event.kind is EventKind.RESUME for event in events[1:]}
    still_running = len(gaps) % 2 == 0
    walk_until = now + timedelta(days=40) if still_running else now
    running, worked, elapsed, due, minute = True, 0, 0, None, begin
    while minute < walk_until:
        running = switches.get(minute, running)
        if running and reference.is_open(minute):
            worked += 1
            if minute < now:
                elapsed = worked
            if worked == target_minutes:
                due = minute + timedelta(minutes=1)
                if minute >= now:
                    break
        minute += timedelta(minutes=1)
    assert state.elapsed == timedelta(minutes=elapsed)
    assert state.breached == (elapsed > target_minutes)
    assert (utc(state.due_at) if state.due_at else None) == due
