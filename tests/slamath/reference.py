"""The obviously correct reference: walk time one minute at a time.

A UTC minute is working time when its local wall-clock reading falls inside the hours of
its local date, or inside an interval of the day before that passes midnight. Nothing
else: no interval lists, no offsets, no binary search. Slow on purpose.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from supportdesk.slamath.hours import HoursRules

MINUTE = timedelta(minutes=1)


class Reference:
    def __init__(self, zone: str, rules: HoursRules) -> None:
        self.zone = ZoneInfo(zone)
        self.hours_on = lru_cache(maxsize=None)(rules.hours_on)

    def day_of(self, instant: datetime) -> date | None:
        """The date whose hours make ``instant`` working time, or None when closed."""
        wall = instant.astimezone(self.zone).replace(tzinfo=None)
        for day in (wall.date() - timedelta(days=1), wall.date()):
            midnight = datetime.combine(day, time())
            for start, end in self.hours_on(day):
                if midnight + timedelta(seconds=start) <= wall < midnight + timedelta(seconds=end):
                    return day
        return None

    def is_open(self, instant: datetime) -> bool:
        return self.day_of(instant) is not None

    def working_minutes(self, start: datetime, end: datetime) -> int:
        count, moment = 0, start
        while moment < end:
            count += self.is_open(moment)
            moment += MINUTE
        return count

    def working_days(self, start: datetime, end: datetime) -> int:
        days, moment = set(), start
        while moment < end:
            if (day := self.day_of(moment)) is not None:
                days.add(day)
            moment += MINUTE
        return len(days)

    def add(self, start: datetime, minutes: int, limit: int) -> datetime | None:
        """None when more than ``limit`` minutes of wall time would be needed."""
        moment, left = start, minutes
        for _ in range(limit):
            if left == 0:
                return moment
            left -= self.is_open(moment)
            moment += MINUTE
        return moment if left == 0 else None

    def next_open(self, start: datetime, limit: int) -> datetime | None:
        moment = start
        for _ in range(limit):
            if self.is_open(moment):
                return moment
            moment += MINUTE
        return None


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
