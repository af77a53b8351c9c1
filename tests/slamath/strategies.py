"""Hypothesis strategies: calendars with lunch breaks, night shifts, working Saturdays,
shortened days and holidays, in zones with DST, and instants around their DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from supportdesk.slamath.hours import DAY, DayException, DayHours, DayKind, HoursRules

ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Europe/Moscow",
    "UTC",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
)

# Local DST changes in 2026 (and ordinary days) to start the windows near.
ANCHORS = (
    datetime(2026, 3, 8, tzinfo=UTC),  # New York springs forward
    datetime(2026, 3, 29, tzinfo=UTC),  # Berlin springs forward
    datetime(2026, 4, 5, tzinfo=UTC),  # Lord Howe falls back half an hour
    datetime(2026, 10, 4, tzinfo=UTC),  # Lord Howe springs forward
    datetime(2026, 10, 25, tzinfo=UTC),  # Berlin falls back
    datetime(2026, 11, 1, tzinfo=UTC),  # New York falls back
    datetime(2026, 12, 30, tzinfo=UTC),  # Russian new-year holidays
    datetime(2026, 6, 15, tzinfo=UTC),
)
QUARTER = 15 * 60


@st.composite
def day_hours(draw: st.DrawFn, night_shift: bool = True) -> DayHours:
    count = draw(st.integers(0, 3))
    points = sorted(
        draw(st.sets(st.integers(0, DAY // QUARTER - 1), min_size=2 * count, max_size=2 * count))
    )
    intervals = [(points[i] * QUARTER, points[i + 1] * QUARTER) for i in range(0, len(points), 2)]
    if intervals and night_shift and draw(st.booleans()):
        start, _ = intervals[-1]
        intervals[-1] = (start, start + draw(st.integers(1, DAY // QUARTER)) * QUARTER)
    if count == 0 and draw(st.integers(0, 9)) == 0:
        intervals = [(0, DAY)]
    return tuple(intervals)


@st.composite
def hours_rules(draw: st.DrawFn, around: date) -> HoursRules:
    weekly = tuple(draw(day_hours()) for _ in range(7))
    nearby = st.integers(-6, 8).map(lambda offset: around + timedelta(days=offset))
    kinds = st.sampled_from(list(DayKind))
    exceptions = draw(
        st.dictionaries(
            nearby,
            st.builds(DayException, kinds, st.one_of(st.none(), day_hours(night_shift=False))),
            max_size=4,
        )
    )
    day_types = draw(st.dictionaries(nearby, kinds, max_size=4))
    return HoursRules(
        weekly=weekly,
        day_types=day_types,
        exceptions=exceptions,
        shortened_by=draw(st.sampled_from([0, 3600, 2 * 3600 + 15 * 60])),
        standard_day=draw(st.one_of(st.none(), day_hours(night_shift=False))),
    )


@st.composite
def calendar_case(draw: st.DrawFn) -> tuple[str, HoursRules, datetime]:
    """A zone, rules and a start instant (whole minute, UTC) near a DST change.

    Half of the starts sit exactly on an opening or closing of a nearby day, or a
    minute either side of it, where off-by-one mistakes live.
    """
    zone = draw(st.sampled_from(ZONES))
    anchor = draw(st.sampled_from(ANCHORS))
    start = anchor + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 3 * 24 * 60)))
    rules = draw(hours_rules(around=anchor.date()))
    day = anchor.date() + timedelta(days=draw(st.integers(-2, 2)))
    bounds = [bound for interval in rules.hours_on(day) for bound in interval]
    on_a_bound = draw(st.booleans())
    if bounds and on_a_bound:
        wall = datetime.combine(day, time()) + timedelta(seconds=draw(st.sampled_from(bounds)))
        nudge = timedelta(minutes=draw(st.sampled_from([-1, 0, 0, 1])))
        start = wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC) + nudge
    return zone, rules, start
