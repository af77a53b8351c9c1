"""The calendars the product ships with, selectable by name.

The database holds the same calendars (seeded from here) so that admins can edit them;
this module is the source of the defaults and what the pure tests run against.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.hours import HoursRules, parse_hours
from supportdesk.slamath.russia import shipped_day_types, shipped_years


@dataclass(frozen=True, slots=True)
class CalendarDefinition:
    """Calendar settings as an admin writes them (the database model has the same fields)."""

    name: str
    title: str
    time_zone: str
    weekly: tuple[str, ...]  # Monday..Sunday, e.g. "09:00-13:00, 14:00-18:00"
    uses_production_calendar: bool
    shortened_by_minutes: int = 0

    def build(self) -> WorkCalendar:
        rules = HoursRules(
            weekly=tuple(parse_hours(day) for day in self.weekly),
            day_types=shipped_day_types() if self.uses_production_calendar else {},
            shortened_by=self.shortened_by_minutes * 60,
            official_years=frozenset(shipped_years()) if self.uses_production_calendar else None,
        )
        return WorkCalendar(self.name, self.time_zone, rules)


RU_PRODUCTION = CalendarDefinition(
    name="ru-production",
    title="Russian production calendar (official norm)",
    time_zone="Europe/Moscow",
    weekly=("09:00-13:00, 14:00-18:00",) * 5 + ("", ""),
    uses_production_calendar=True,
    shortened_by_minutes=60,
)
RU_SUPPORT = CalendarDefinition(
    name="ru-support",
    title="Vendor business hours, Russian working days 10:00-19:00 MSK",
    time_zone="Europe/Moscow",
    weekly=("10:00-19:00",) * 5 + ("", ""),
    uses_production_calendar=True,
)
ALWAYS = CalendarDefinition(
    name="24x7",
    title="Around the clock",
    time_zone="Europe/Moscow",
    weekly=("00:00-24:00",) * 7,
    uses_production_calendar=False,
)

SHIPPED = {definition.name: definition for definition in (RU_PRODUCTION, RU_SUPPORT, ALWAYS)}
