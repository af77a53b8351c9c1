"""A business calendar compiled to a sorted list of working intervals in UTC.

Every query is a binary search over that list plus a little arithmetic, so a calendar
answers ``is_open``, ``next_open``, ``add`` and ``working_time`` in O(log n) whatever the
durations. The list is built lazily a few years at a time around the instants asked about.

Working time is defined on the wall clock: an instant is working time when its local
date and time fall inside the hours of that date (or of the day before, for an interval
that passes midnight). On a DST change the wall clock skips or repeats an hour, and the
working time follows it exactly.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from supportdesk.slamath.hours import DAY, CalendarDataError, HoursRules

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_PAD_DAYS = 3  # rule dates compiled beyond a range: intervals reach 48 h, offsets 14 h
_SEARCH_YEARS = 50  # how far ``add`` looks for working time before giving up
_OFFSET_PROBE = 6 * 3600  # no real zone changes its offset twice within six hours


class NoWorkingTime(ArithmeticError):
    """The calendar has no working time where the answer would have to be."""


_ZERO = timedelta(0)


def _aware_timestamp(instant: datetime) -> float:
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant.isoformat()}: give a time zone or offset")
    return instant.timestamp()


def _aware_local(instant: datetime, zone: tzinfo) -> datetime:
    _aware_timestamp(instant)
    return instant.astimezone(zone)


def load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise CalendarDataError(f"unknown time zone {name!r}") from error


@dataclass(frozen=True, slots=True)
class _Timeline:
    first_year: int
    last_year: int
    valid_from: float  # the lists are exact for instants in [valid_from, valid_until)
    valid_until: float
    starts: list[float]
    ends: list[float]
    worked_before: list[float]  # working seconds in all intervals before interval i
    worked_through: list[float]  # ... up to and including interval i
    day_numbers: list[int]  # ordinal of the local date whose hours made interval i
    day_count_before: list[int]  # distinct dates among intervals before interval i
    days_ascending: bool


class WorkCalendar:
    """Working time of one calendar. Instants in and out are timezone-aware datetimes."""

    def __init__(self, name: str, zone: str | tzinfo, rules: HoursRules) -> None:
        self.name = name
        self.zone: tzinfo = load_zone(zone) if isinstance(zone, str) else zone
        self.rules = rules
        self._lock = threading.Lock()
        self._timeline = self._compile(2000, 1999)  # empty until asked

    def __repr__(self) -> str:
        return f"WorkCalendar({self.name!r}, {self.zone})"

    # -- queries on datetimes -------------------------------------------------------------

    def is_open(self, instant: datetime) -> bool:
        return self.is_open_at(_aware_timestamp(instant))

    def next_open(self, instant: datetime) -> datetime:
        """``instant`` itself when it is working time, else the next opening."""
        moment = _aware_timestamp(instant)
        opening = self.next_open_at(moment)
        return instant.astimezone(self.zone) if opening == moment else self.local(opening)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of working time has passed since ``start``.

        A deadline that falls exactly at closing time stays at closing time.
        """
        # The common case is inlined (one lookup each way); this is the hottest call.
        if start.tzinfo is None:
            _aware_timestamp(start)
        seconds = duration.total_seconds()
        if seconds <= 0:
            if seconds < 0:
                raise ValueError("a duration of working time cannot be negative")
            return start.astimezone(self.zone)
        moment = start.timestamp()
        line = self._timeline
        if not line.valid_from <= moment < line.valid_until:
            line = self._covering(moment, moment)
        starts = line.starts
        index = bisect_right(starts, moment) - 1
        worked = 0.0
        if index >= 0:
            end = line.ends[index]
            worked = line.worked_before[index] + (moment if moment < end else end) - starts[index]
        goal = worked + seconds
        found = bisect_left(line.worked_through, goal)
        if found < len(starts):
            return datetime.fromtimestamp(
                starts[found] + goal - line.worked_before[found], self.zone
            )
        return self.local(self.add_at(moment, seconds))

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        if start.tzinfo is None or end.tzinfo is None:
            _aware_timestamp(start if start.tzinfo is None else end)
        begin, finish = start.timestamp(), end.timestamp()
        if finish <= begin:
            return _ZERO
        line = self._timeline
        if not (line.valid_from <= begin and finish < line.valid_until):
            line = self._covering(begin, finish)
        starts, ends, before = line.starts, line.ends, line.worked_before
        first = bisect_right(starts, begin) - 1
        last = bisect_right(starts, finish) - 1
        worked = 0.0
        if last >= 0:
            stop = ends[last]
            worked = before[last] + (finish if finish < stop else stop) - starts[last]
        if first >= 0:
            stop = ends[first]
            worked -= before[first] + (begin if begin < stop else stop) - starts[first]
        return timedelta(seconds=worked)

    def draft_years_between(self, start: datetime, end: datetime) -> frozenset[int]:
        """The draft years (no official day types) whose local dates ``[start, end]``
        touches, in either order; empty when the calendar follows no production calendar."""
        if self.rules.official_years is None:
            return frozenset()
        first = _aware_local(start, self.zone).year
        last = _aware_local(end, self.zone).year
        return self.rules.draft_years(min(first, last), max(first, last))

    def working_days(self, start: datetime, end: datetime) -> int:
        """How many dates have some of their working time inside ``[start, end)``."""
        return self.working_days_at(_aware_timestamp(start), _aware_timestamp(end))

    def working_time_over(self, segments: Iterable[tuple[datetime, datetime]]) -> timedelta:
        """Working time inside a list of active segments, e.g. a clock with pauses."""
        total = 0.0
        for start, end in segments:
            total += self.working_seconds(_aware_timestamp(start), _aware_timestamp(end))
        return timedelta(seconds=total)

    def add_over(
        self, segments: Sequence[tuple[datetime, datetime | None]], duration: timedelta
    ) -> datetime | None:
        """When ``duration`` of working time is reached counting only inside ``segments``.

        The last segment may be open (``None``): a clock that is still running. ``None``
        comes back when the closed segments hold less working time than ``duration``.
        """
        left = duration.total_seconds()
        for start, end in segments:
            begin = _aware_timestamp(start)
            if end is None:
                return self.local(self.add_at(begin, left)) if left > 0 else start
            finish = _aware_timestamp(end)
            inside = self.working_seconds(begin, finish)
            if inside >= left:
                return self.local(self.add_at(begin, left)) if left > 0 else start
            left -= inside
        return None

    def local(self, moment: float) -> datetime:
        return datetime.fromtimestamp(moment, self.zone)

    # -- queries on POSIX timestamps (the hot paths; floats of seconds) ---------------------

    def is_open_at(self, moment: float) -> bool:
        line = self._covering(moment, moment)
        index = bisect_right(line.starts, moment) - 1
        return index >= 0 and moment < line.ends[index]

    def next_open_at(self, moment: float) -> float:
        for _ in range(_SEARCH_YEARS):
            line = self._covering(moment, moment)
            index = bisect_right(line.ends, moment)  # first interval ending after moment
            if index < len(line.starts):
                return max(moment, line.starts[index])
            self._extend_to_year(line.last_year + 1)
        raise NoWorkingTime(f"calendar {self.name!r} never opens after {self.local(moment)}")

    def worked_until(self, line: _Timeline, moment: float) -> float:
        """Working seconds from the start of ``line`` up to ``moment``."""
        index = bisect_right(line.starts, moment) - 1
        if index < 0:
            return 0.0
        return line.worked_before[index] + min(moment, line.ends[index]) - line.starts[index]

    def working_seconds(self, start: float, end: float) -> float:
        if end <= start:
            return 0.0
        line = self._covering(start, end)
        return self.worked_until(line, end) - self.worked_until(line, start)

    def add_at(self, start: float, seconds: float) -> float:
        line = self._covering(start, start)
        for _ in range(_SEARCH_YEARS):
            goal = self.worked_until(line, start) + seconds
            index = bisect_left(line.worked_through, goal)
            if index < len(line.starts):
                return line.starts[index] + goal - line.worked_before[index]
            line = self._extend_to_year(line.last_year + 1)
        raise NoWorkingTime(f"calendar {self.name!r} has no working time after {self.local(start)}")

    def working_days_at(self, start: float, end: float) -> int:
        if end <= start:
            return 0
        line = self._covering(start, end)
        first = bisect_right(line.ends, start)
        last = bisect_left(line.starts, end) - 1
        if first > last:
            return 0
        if line.days_ascending:
            return line.day_count_before[last] - line.day_count_before[first] + 1
        return len(set(line.day_numbers[first : last + 1]))

    # -- compiling ------------------------------------------------------------------------

    def _covering(self, start: float, end: float) -> _Timeline:
        line = self._timeline
        if line.valid_from <= start and end < line.valid_until:
            return line
        with self._lock:
            first = min(self._year_of(start), self._timeline.first_year)
            last = max(self._year_of(end), self._timeline.last_year)
            if self._timeline.first_year > self._timeline.last_year:  # nothing compiled yet
                first, last = self._year_of(start), self._year_of(end)
            # Compile a little ahead: deadlines run forward.
            self._timeline = self._compile(first, max(last, first + 2))
            return self._timeline

    def _extend_to_year(self, year: int) -> _Timeline:
        with self._lock:
            line = self._timeline
            if line.last_year < year:
                self._timeline = self._compile(line.first_year, year)
            return self._timeline

    def _year_of(self, moment: float) -> int:
        return datetime.fromtimestamp(moment, UTC).year

    def _compile(self, first_year: int, last_year: int) -> _Timeline:
        if first_year > last_year:
            return _Timeline(first_year, last_year, 0.0, 0.0, [], [], [], [], [], [], True)
        valid_from = datetime(first_year, 1, 1, tzinfo=UTC).timestamp()
        valid_until = datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp()
        first_day = date(first_year, 1, 1).toordinal() - _PAD_DAYS
        last_day = date(last_year, 12, 31).toordinal() + _PAD_DAYS
        offsets = _OffsetSegments(
            self.zone, (first_day - _EPOCH_ORDINAL - 1) * DAY, (last_day - _EPOCH_ORDINAL + 3) * DAY
        )
        pieces: list[tuple[float, float, int]] = []
        for ordinal in range(first_day, last_day + 1):
            wall_midnight = (ordinal - _EPOCH_ORDINAL) * DAY
            for start, end in self.rules.hours_on(date.fromordinal(ordinal)):
                for piece_start, piece_end in offsets.to_utc(
                    wall_midnight + start, wall_midnight + end
                ):
                    pieces.append((piece_start, piece_end, ordinal))
        return self._assemble(first_year, last_year, valid_from, valid_until, pieces)

    @staticmethod
    def _assemble(
        first_year: int,
        last_year: int,
        valid_from: float,
        valid_until: float,
        pieces: list[tuple[float, float, int]],
    ) -> _Timeline:
        # By start, then date: where two dates' hours overlap, the earlier date keeps the
        # time (ties happen where a DST change cuts both at the same instant).
        pieces.sort(key=lambda piece: (piece[0], piece[2]))
        starts: list[float] = []
        ends: list[float] = []
        days: list[int] = []
        reach = valid_from
        for start, end, day in pieces:
            # Overlaps (a night shift running into the next date's hours) count once,
            # for the date that started first.
            start = max(start, reach)
            end = min(end, valid_until)
            if start >= end:
                continue
            starts.append(start)
            ends.append(end)
            days.append(day)
            reach = end
        worked_before: list[float] = []
        worked_through: list[float] = []
        day_count_before: list[int] = []
        total = 0.0
        distinct = 0
        previous_day = None
        for start, end, day in zip(starts, ends, days, strict=True):
            worked_before.append(total)
            total += end - start
            worked_through.append(total)
            if day != previous_day:
                distinct += 1
                previous_day = day
            day_count_before.append(distinct)
        ascending = all(a <= b for a, b in pairwise(days))
        return _Timeline(
            first_year, last_year, valid_from, valid_until, starts, ends,
            worked_before, worked_through, days, day_count_before, ascending,
        )  # fmt: skip


class _OffsetSegments:
    """The zone's UTC offset as constant stretches of UTC time between transitions."""

    def __init__(self, zone: tzinfo, utc_from: int, utc_until: int) -> None:
        self.zone = zone
        self.bounds: list[int] = [utc_from]
        self.offsets: list[int] = [self._offset(utc_from)]
        probe = utc_from
        while probe < utc_until:
            following = min(probe + _OFFSET_PROBE, utc_until)
            after = self._offset(following)
            if after != self.offsets[-1]:
                self.bounds.append(self._transition(probe, following))
                self.offsets.append(after)
            probe = following
        self.bounds.append(utc_until)

    def _offset(self, moment: int) -> int:
        shift = datetime.fromtimestamp(moment, self.zone).utcoffset()
        assert shift is not None  # noqa: S101 - an aware datetime always has one
        return int(shift.total_seconds())

    def _transition(self, before: int, after: int) -> int:
        """First second in (before, after] with the offset of ``after``."""
        old = self._offset(before)
        while after - before > 1:
            middle = (before + after) // 2
            if self._offset(middle) == old:
                before = middle
            else:
                after = middle
        return after

    def to_utc(self, wall_start: int, wall_end: int) -> list[tuple[float, float]]:
        """UTC stretches whose wall-clock reading lies in ``[wall_start, wall_end)``."""
        result = []
        lowest = wall_start - 14 * 3600 - 3600
        highest = wall_end + 14 * 3600 + 3600
        index = max(0, bisect_right(self.bounds, lowest) - 1)
        while index < len(self.offsets) and self.bounds[index] < highest:
            offset = self.offsets[index]
            start = max(wall_start - offset, self.bounds[index])
            end = min(wall_end - offset, self.bounds[index + 1])
            if start < end:
                result.append((float(start), float(end)))
            index += 1
        return result
