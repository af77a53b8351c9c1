"""Read helper: calendars from the database as compiled WorkCalendars.

Compiled calendars are cached per process and keyed by the rows' revisions, which every
calendar action bumps, so a reader never sees a stale calendar and never compiles twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from supportdesk.calendars.models import BusinessCalendar, ProductionCalendar
from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.hours import DayException, DayKind, HoursRules, parse_hours


class UnknownCalendar(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown calendar {name!r}")
        self.name = name


type _Key = tuple[int, int, int, int]

_compiled: dict[str, tuple[_Key, WorkCalendar]] = {}
_day_types: dict[int, tuple[int, dict[date, DayKind]]] = {}


def _production_day_types(production: ProductionCalendar) -> dict[date, DayKind]:
    cached = _day_types.get(production.pk)
    if cached and cached[0] == production.revision:
        return cached[1]
    types = {
        day: DayKind(kind) for day, kind in production.days.values_list("day", "kind").iterator()
    }
    _day_types[production.pk] = (production.revision, types)
    return types


def build_calendar(row: BusinessCalendar) -> WorkCalendar:
    production = row.production_calendar
    rules = HoursRules(
        weekly=tuple(parse_hours(hours) for hours in row.weekly_hours()),
        day_types=_production_day_types(production) if production else {},
        exceptions={
            exception.day: DayException(
                DayKind(exception.kind), parse_hours(exception.hours) if exception.hours else None
            )
            for exception in row.exceptions.all()
        },
        shortened_by=row.shortened_by_minutes * 60,
        standard_day=parse_hours(row.standard_hours) if row.standard_hours else None,
    )
    return WorkCalendar(row.name, row.time_zone, rules)


def _key(row: BusinessCalendar) -> _Key:
    production = row.production_calendar
    return (
        row.pk,
        row.revision,
        production.pk if production else 0,
        production.revision if production else 0,
    )


def load_calendars(names: Iterable[str] | None = None) -> dict[str, WorkCalendar]:
    """The named calendars (all when ``names`` is None); UnknownCalendar for a missing one."""
    rows = BusinessCalendar.objects.select_related("production_calendar")
    wanted = None if names is None else set(names)
    if wanted is not None:
        rows = rows.filter(name__in=wanted)
    result = {}
    for row in rows:
        key = _key(row)
        cached = _compiled.get(row.name)
        if cached is None or cached[0] != key:
            cached = (key, build_calendar(row))
            _compiled[row.name] = cached
        result[row.name] = cached[1]
    if wanted is not None and (missing := wanted - result.keys()):
        raise UnknownCalendar(sorted(missing)[0])
    return result


def get_calendar(name: str) -> WorkCalendar:
    return load_calendars([name])[name]
