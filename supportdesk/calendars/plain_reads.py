"""Calendars compiled from their rows, and read with plain SQL, without Django.

``compile_calendar`` is the one place that turns a business calendar's columns into a
``WorkCalendar``: the engine (``engine.py``) calls it with model rows, and the command line
(``calendar list|span|add``, ``sla targets``) calls it with rows read here through any
DB-API cursor, so that a script's call does not import Django's model layer (most of its
CPU on a slow machine; docs/benchmarks.md). Nothing here imports Django:
``tests/core/test_script_commands_start_lean.py`` runs the commands as processes and checks
that Django's database, apps, settings and command modules never load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.hours import DayException, DayKind, HoursRules, parse_hours

# Runs one statement (``%s`` placeholders) and returns all its rows.
type Rows = Callable[[str, Sequence[object]], list[tuple[Any, ...]]]

WEEKDAY_COLUMNS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class UnknownCalendar(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown calendar {name!r}")
        self.name = name


@dataclass(frozen=True, slots=True)
class ProductionData:
    """A production calendar's day types as the engine uses them: the official ones, and
    the drafted ones of the years that have no official data; and which years are official
    (a year is official when it has at least one official day)."""

    day_types: dict[date, DayKind]
    official_years: frozenset[int]


def production_data(
    official: Iterable[tuple[date | str, str]], drafted: Iterable[tuple[date | str, str]]
) -> ProductionData:
    """From (day, kind) pairs: the official days, and the drafted ones (kept only for the
    years with no official day)."""
    types = {as_date(day): DayKind(kind) for day, kind in official}
    years = frozenset(day.year for day in types)
    for day, kind in drafted:
        drafted_day = as_date(day)
        if drafted_day.year not in years:
            types[drafted_day] = DayKind(kind)
    return ProductionData(types, years)


def compile_calendar(
    *,
    name: str,
    time_zone: str,
    weekly: Sequence[str],
    exceptions: Iterable[tuple[date | str, str, str]],
    shortened_by_minutes: int,
    standard_hours: str,
    production: ProductionData | None,
) -> WorkCalendar:
    """``weekly``: the hours texts Monday..Sunday; ``exceptions``: (day, kind, hours text)."""
    rules = HoursRules(
        weekly=tuple(parse_hours(text) for text in weekly),
        day_types=production.day_types if production else {},
        exceptions={
            as_date(day): DayException(DayKind(kind), parse_hours(hours) if hours else None)
            for day, kind, hours in exceptions
        },
        shortened_by=shortened_by_minutes * 60,
        standard_day=parse_hours(standard_hours) if standard_hours else None,
        official_years=production.official_years if production else None,
    )
    return WorkCalendar(name, time_zone, rules)


def as_date(value: date | str) -> date:
    """A date column's value: a ``date`` (PostgreSQL, Django's SQLite) or ISO text (SQLite)."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(value)


# -- plain SQL reads (the table and column names are the models'; a test compares) --------

_CALENDAR = (
    "SELECT id, name, time_zone, monday, tuesday, wednesday, thursday, friday, saturday, "
    "sunday, shortened_by_minutes, standard_hours, production_calendar_id "
    "FROM calendars_businesscalendar WHERE name = %s"
)
_EXCEPTIONS = "SELECT day, kind, hours FROM calendars_calendarexception WHERE calendar_id = %s"
_OFFICIAL_DAYS = "SELECT day, kind FROM calendars_productionday WHERE production_calendar_id = %s"
_DRAFT_DAYS = "SELECT day, kind FROM calendars_draftday WHERE production_calendar_id = %s"
_LIST = (
    "SELECT c.name, c.title, c.time_zone, c.monday, c.tuesday, c.wednesday, c.thursday, "
    "c.friday, c.saturday, c.sunday, p.code, c.shortened_by_minutes "
    "FROM calendars_businesscalendar c "
    "LEFT JOIN calendars_productioncalendar p ON p.id = c.production_calendar_id "
    "ORDER BY c.name"
)


def read_calendar(rows: Rows, name: str) -> WorkCalendar:
    """The named calendar as it stands in the database; UnknownCalendar when there is none."""
    found = rows(_CALENDAR, [name])
    if not found:
        raise UnknownCalendar(name)
    pk, name, time_zone, *weekly, shortened_by, standard, production_id = found[0]
    production = None
    if production_id is not None:
        production = production_data(
            rows(_OFFICIAL_DAYS, [production_id]), rows(_DRAFT_DAYS, [production_id])
        )
    return compile_calendar(
        name=name,
        time_zone=time_zone,
        weekly=weekly,
        exceptions=rows(_EXCEPTIONS, [pk]),
        shortened_by_minutes=shortened_by,
        standard_hours=standard,
        production=production,
    )


def read_calendars(rows: Rows, names: Iterable[str]) -> dict[str, WorkCalendar]:
    return {name: read_calendar(rows, name) for name in sorted(set(names))}


def list_calendars(rows: Rows) -> list[dict[str, Any]]:
    """Every calendar by name: its title, zone, weekly hours and production calendar."""
    return [
        {
            "name": name,
            "title": title,
            "time_zone": time_zone,
            "weekly": dict(zip(WEEKDAY_COLUMNS, weekly, strict=True)),
            "production_calendar": production,
            "shortened_by_minutes": shortened_by,
        }
        for name, title, time_zone, *weekly, production, shortened_by in rows(_LIST, [])
    ]
