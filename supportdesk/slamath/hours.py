"""Which working hours apply on a local date: weekly hours, dated exceptions, day types.

Times of day are seconds from local midnight. An interval ``(start, end)`` belongs to the
date it starts on; ``end`` may pass midnight (up to 24 h after ``start``), which is how a
night shift such as 22:00-06:00 is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import pairwise

DAY = 86_400

type Interval = tuple[int, int]
type DayHours = tuple[Interval, ...]


class CalendarDataError(ValueError):
    """Calendar data that cannot describe working time (bad hours, unknown zone...)."""


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # no working time at all
    WORKING = "working"  # a working day although the week says otherwise (e.g. a Saturday)
    SHORTENED = "shortened"  # a working day cut short (pre-holiday day)


@dataclass(frozen=True, slots=True)
class DayException:
    kind: DayKind
    # Explicit hours win; without them a working day gets the standard day and a
    # shortened day gets its usual hours cut by the calendar's ``shortened_by``.
    hours: DayHours | None = None


_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_clock(text: str) -> int:
    match = _CLOCK.match(text.strip())
    if not match:
        raise CalendarDataError(f"not a time of day: {text!r} (expected HH:MM)")
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if hours > 24 or minutes > 59 or seconds > 59 or (hours == 24 and (minutes or seconds)):
        raise CalendarDataError(f"not a time of day: {text!r}")
    return hours * 3600 + minutes * 60 + seconds


def format_clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def parse_hours(text: str) -> DayHours:
    """Parse ``"09:00-13:00, 14:00-18:00"``; an end at or before the start crosses midnight.

    ``""`` or ``"-"`` means no working time; ``"00:00-24:00"`` is the whole day.
    """
    text = text.strip()
    if text in {"", "-"}:
        return ()
    intervals = []
    for part in text.split(","):
        bounds = part.strip().split("-")
        if len(bounds) != 2:
            raise CalendarDataError(f"not an interval: {part.strip()!r} (expected HH:MM-HH:MM)")
        start, end = parse_clock(bounds[0]), parse_clock(bounds[1])
        if start >= DAY:
            raise CalendarDataError(f"an interval must start before 24:00: {part.strip()!r}")
        if end <= start:
            end += DAY
        intervals.append((start, end))
    return validate_hours(tuple(intervals))


def format_hours(hours: DayHours) -> str:
    return ", ".join(
        f"{format_clock(s)}-{format_clock(e % DAY if e > DAY else e)}" for s, e in hours
    )


def validate_hours(hours: DayHours) -> DayHours:
    ordered = tuple(sorted(hours))
    for start, end in ordered:
        if not (0 <= start < DAY and start < end <= start + DAY):
            raise CalendarDataError(f"bad interval {format_clock(start)}-{format_clock(end)}")
    for (_, previous_end), (start, _) in pairwise(ordered):
        if start < previous_end:
            raise CalendarDataError("intervals of one day overlap")
    return ordered


def shorten(hours: DayHours, by: int) -> DayHours:
    """Cut ``by`` seconds off the end of the day, across intervals if need be."""
    result = list(hours)
    while by > 0 and result:
        start, end = result[-1]
        length = end - start
        if length > by:
            result[-1] = (start, end - by)
            by = 0
        else:
            result.pop()
            by -= length
    return tuple(result)


@dataclass(frozen=True, slots=True)
class HoursRules:
    """Everything that decides the hours of a date; pure data, easy to compare and cache."""

    weekly: tuple[DayHours, ...]  # Monday..Sunday
    day_types: Mapping[date, DayKind] = field(default_factory=dict)  # e.g. Russian calendar
    exceptions: Mapping[date, DayException] = field(default_factory=dict)  # calendar's own
    shortened_by: int = 0  # seconds cut from a shortened day without explicit hours
    standard_day: DayHours | None = None  # hours of an extra working day; default Monday's
    # The years whose day types are official (a production calendar's loaded years); any
    # other year is a draft: its day types in ``day_types``, if any, are drafted (e.g.
    # from the ``holidays`` package) and every answer over it is marked. None: the
    # calendar follows no production calendar, so no year is a draft.
    official_years: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise CalendarDataError("weekly hours need exactly seven days, Monday first")
        for day in self.weekly:
            validate_hours(day)
        if self.shortened_by < 0:
            raise CalendarDataError("shortened_by cannot be negative")

    def draft_years(self, first: int, last: int) -> frozenset[int]:
        """The years from ``first`` to ``last`` (both included) without official data."""
        if self.official_years is None or last < first:
            return frozenset()
        return frozenset(range(first, last + 1)) - self.official_years

    def standard(self) -> DayHours:
        if self.standard_day is not None:
            return self.standard_day
        return self.weekly[0] or next((day for day in self.weekly if day), ())

    def hours_on(self, day: date) -> DayHours:
        exception = self.exceptions.get(day)
        if exception is None:
            kind = self.day_types.get(day)
            exception = DayException(kind) if kind is not None else None
        if exception is None:
            return self.weekly[day.weekday()]
        if exception.hours is not None:
            return () if exception.kind is DayKind.HOLIDAY else exception.hours
        if exception.kind is DayKind.HOLIDAY:
            return ()
        usual = self.weekly[day.weekday()] or self.standard()
        if exception.kind is DayKind.WORKING:
            return usual
        return shorten(usual, self.shortened_by)
