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
from datetime import date

from supportdesk.calendars.models import BusinessCalendar, ProductionCalendar
from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.hours import DayException, DayKind, HoursRules, parse_hours


class UnknownCalendar(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown calendar {name!r}")
        self.name = name


# (calendar id, its revision, production calendar id, its revision); 0 for no production.
type _Key = tuple[int, int, int, int]

_compiled: dict[str, tuple[_Key, WorkCalendar]] = {}
_day_types: dict[int, tuple[int, dict[date, DayKind]]] = {}
_compiling = threading.Lock()  # ASGI serves requests from several threads


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
        # Field by field, not ``row.weekly_hours()``: a migration's historical rows have
        # no methods, and the outcome back-fill compiles calendars from them.
        weekly=tuple(parse_hours(getattr(row, day)) for day in BusinessCalendar.WEEKDAY_FIELDS),
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


def _compile(name: str, key: _Key) -> WorkCalendar:
    """The engine of the calendar whose current key is ``key``, compiled at most once."""
    with _compiling:
        cached = _compiled.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]
        row = (
            BusinessCalendar.objects.select_related("production_calendar").filter(pk=key[0]).first()
        )
        if row is None:
            raise UnknownCalendar(name)
        engine = build_calendar(row)
        _compiled[row.name] = (_key(row), engine)
        return engine


class Calendars:
    """All calendars as they stand now, for one operation: ``names`` (id -> name), ``ids``
    (name -> id), and ``calendars(name)`` (or ``calendars[name]``), the compiled engine.

    One query reads every calendar's id, name and revisions; an engine comes from the
    per-process cache when its key matches and is compiled (once) when a revision moved.
    """

    __slots__ = ("_keys", "ids", "names")

    def __init__(self) -> None:
        rows = BusinessCalendar.objects.order_by().values_list(
            "pk", "name", "revision", "production_calendar_id", "production_calendar__revision"
        )
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
        return _compile(name, key)

    __getitem__ = __call__


def load_calendars(names: Iterable[str] | None = None) -> dict[str, WorkCalendar]:
    """The named calendars (all when ``names`` is None); UnknownCalendar for a missing one."""
    calendars = Calendars()
    wanted = sorted(calendars.ids if names is None else set(names))
    return {name: calendars(name) for name in wanted}


def get_calendar(name: str) -> WorkCalendar:
    return Calendars()(name)
