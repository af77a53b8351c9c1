"""Read helper: calendars from the database as compiled WorkCalendars.

Compiled calendars are cached per process and keyed by the rows' revisions, which every
calendar action bumps, so a reader never sees a stale calendar and never compiles twice.
``Calendars`` is what one operation reads: the names, ids and revisions of all calendars in
one small query (so the name/id map is as fresh as the query), and each engine from the
cache while its key still matches.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime

from supportdesk.calendars.models import BusinessCalendar, ProductionCalendar
from supportdesk.calendars.plain_reads import (
    ProductionData,
    UnknownCalendar,
    compile_calendar,
    production_data,
)
from supportdesk.rows import Prepared
from supportdesk.slamath.calendar import WorkCalendar

# (calendar id, its revision, production calendar id, its revision); 0 for no production.
type _Key = tuple[int, int, int, int]

_compiled: dict[str, tuple[_Key, WorkCalendar]] = {}
_day_types: dict[int, tuple[int, ProductionData]] = {}
_compiling = threading.Lock()  # ASGI serves requests from several threads


def official_years(production: ProductionCalendar) -> frozenset[int]:
    """The years the production calendar has official data for (one small query)."""
    return frozenset(day.year for day in production.days.dates("day", "year"))


def _production_data(production: ProductionCalendar) -> ProductionData:
    cached = _day_types.get(production.pk)
    if cached and cached[0] == production.revision:
        return cached[1]
    data = production_data(
        production.days.values_list("day", "kind").iterator(),
        production.draft_days.values_list("day", "kind").iterator(),
    )
    _day_types[production.pk] = (production.revision, data)
    return data


def build_calendar(row: BusinessCalendar) -> WorkCalendar:
    production = row.production_calendar
    return compile_calendar(
        name=row.name,
        time_zone=row.time_zone,
        # Field by field, not ``row.weekly_hours()``: a migration's historical rows have
        # no methods, and the outcome back-fill compiles calendars from them.
        weekly=[getattr(row, day) for day in BusinessCalendar.WEEKDAY_FIELDS],
        exceptions=((e.day, e.kind, e.hours) for e in row.exceptions.all()),
        shortened_by_minutes=row.shortened_by_minutes,
        standard_hours=row.standard_hours,
        production=_production_data(production) if production else None,
    )


def revision_text(revision: int, production_revision: int | None) -> str:
    return f"{revision}/{production_revision}" if production_revision else str(revision)


def _key(row: BusinessCalendar) -> _Key:
    production = row.production_calendar
    return (
        row.pk,
        row.revision,
        production.pk if production else 0,
        production.revision if production else 0,
    )


def _compile(name: str, key: _Key, using: str = "default") -> WorkCalendar:
    """The engine of the calendar whose current key is ``key``, compiled at most once."""
    with _compiling:
        cached = _compiled.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]
        row = (
            BusinessCalendar.objects.using(using)
            .select_related("production_calendar")
            .filter(pk=key[0])
            .first()
        )
        if row is None:
            raise UnknownCalendar(name)
        engine = build_calendar(row)
        _compiled[row.name] = (_key(row), engine)
        return engine


# Every calendar's id, name and revisions: what ``Calendars`` reads once per operation
# (every registration), compiled once.
_KEYS = Prepared(
    lambda: BusinessCalendar.objects.order_by().values_list(
        "pk", "name", "revision", "production_calendar_id", "production_calendar__revision"
    )
)


class Calendars:
    """All calendars as they stand now, for one operation: ``names`` (id -> name), ``ids``
    (name -> id), and ``calendars(name)`` (or ``calendars[name]``), the compiled engine.

    One query reads every calendar's id, name and revisions; an engine comes from the
    per-process cache when its key matches and is compiled (once) when a revision moved.
    """

    __slots__ = ("_keys", "_using", "ids", "names")

    def __init__(self, using: str = "default") -> None:
        """``using``: the database alias to read (the reports read the ``reporting`` one)."""
        self._using = using
        rows = _KEYS(using=using)
        self._keys: dict[str, _Key] = {
            name: (pk, revision, production or 0, production_revision or 0)
            for pk, name, revision, production, production_revision in rows
        }
        self.ids = {name: key[0] for name, key in self._keys.items()}
        self.names = {pk: name for name, pk in self.ids.items()}

    def revision(self, name: str) -> str:
        """The calendar's revision as outcomes store it: "<revision>", or
        "<revision>/<production calendar revision>" when it is on a production calendar."""
        key = self._keys.get(name)
        if key is None:
            raise UnknownCalendar(name)
        return revision_text(key[1], key[3] if key[2] else None)

    def __contains__(self, name: object) -> bool:
        return name in self._keys

    def __call__(self, name: str) -> WorkCalendar:
        key = self._keys.get(name)
        if key is None:
            raise UnknownCalendar(name)
        cached = _compiled.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]
        return _compile(name, key, self._using)

    __getitem__ = __call__


def load_calendars(names: Iterable[str] | None = None) -> dict[str, WorkCalendar]:
    """The named calendars (all when ``names`` is None); UnknownCalendar for a missing one."""
    calendars = Calendars()
    wanted = sorted(calendars.ids if names is None else set(names))
    return {name: calendars(name) for name in wanted}


def get_calendar(name: str) -> WorkCalendar:
    return Calendars()(name)


def draft_years_between(calendar_name: str, start: datetime, end: datetime) -> set[int]:
    """The years without official production-calendar data that the calendar's answers over
    ``[start, end]`` (local dates, either order) rely on: empty when every year is official
    or the calendar follows no production calendar. UnknownCalendar for a missing name."""
    return set(get_calendar(calendar_name).draft_years_between(start, end))
