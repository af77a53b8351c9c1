"""Every change to calendars. Each bumps a revision (readers recompile), writes the audit
event and recomputes the open SLA deadlines that ran on the changed calendars."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F

from supportdesk.audit.record import record
from supportdesk.calendars.engine import official_years
from supportdesk.calendars.models import (
    BusinessCalendar,
    CalendarException,
    DraftDay,
    ProductionCalendar,
    ProductionDay,
)
from supportdesk.calendars.seed import RU_CODE
from supportdesk.sla.actions import recompute_open_clocks
from supportdesk.slamath.hours import DayKind, parse_hours
from supportdesk.slamath.russia import YearData
from supportdesk.staff.permissions import Capability, require


def _require_manager(actor: User | None) -> None:
    """A person must be allowed to configure calendars; jobs and commands (no actor) are."""
    if actor is not None:
        require(actor, Capability.MANAGE_CALENDARS)


def _revised(
    row: BusinessCalendar | ProductionCalendar,
    calendar_ids: list[int],
    *,
    actor: User | None,
    now: datetime,
    what: str,
    data: dict[str, object],
) -> int:
    """Bump the row's revision (readers recompile), recompute the open clocks on the
    affected calendars and audit the change with how many clocks moved."""
    type(row).objects.filter(pk=row.pk).update(revision=F("revision") + 1)
    row.refresh_from_db(fields=["revision"])
    recomputed = recompute_open_clocks(calendar_ids=calendar_ids, now=now)
    record(
        at=now,
        actor=actor,
        action=what,
        subject=row,
        data={**data, "clocks_recomputed": recomputed},
    )
    return recomputed


def _business_calendar_changed(
    calendar: BusinessCalendar,
    *,
    actor: User | None,
    now: datetime,
    what: str,
    data: dict[str, object],
) -> int:
    return _revised(calendar, [calendar.pk], actor=actor, now=now, what=what, data=data)


def calendar_edited(
    *, calendar: BusinessCalendar, actor: User | None, now: datetime, changed: list[str]
) -> int:
    """After an admin saved a calendar (its hours or its exceptions)."""
    _require_manager(actor)
    with transaction.atomic():
        return _business_calendar_changed(
            calendar, actor=actor, now=now, what="calendar.edited", data={"changed": changed}
        )


def set_calendar_exception(
    *,
    calendar: BusinessCalendar,
    day: date,
    kind: DayKind,
    hours: str = "",
    note: str = "",
    actor: User | None,
    now: datetime,
) -> CalendarException:
    _require_manager(actor)
    if hours:
        parse_hours(hours)  # raises CalendarDataError with the reason
    with transaction.atomic():
        exception, _ = CalendarException.objects.update_or_create(
            calendar=calendar, day=day, defaults={"kind": kind.value, "hours": hours, "note": note}
        )
        _business_calendar_changed(
            calendar,
            actor=actor,
            now=now,
            what="calendar.exception_set",
            data={"day": day.isoformat(), "kind": kind.value, "hours": hours},
        )
        return exception


def remove_calendar_exception(
    *, calendar: BusinessCalendar, day: date, actor: User | None, now: datetime
) -> bool:
    _require_manager(actor)
    with transaction.atomic():
        deleted, _ = CalendarException.objects.filter(calendar=calendar, day=day).delete()
        if deleted:
            _business_calendar_changed(
                calendar,
                actor=actor,
                now=now,
                what="calendar.exception_removed",
                data={"day": day.isoformat()},
            )
        return bool(deleted)


def _production_calendar_changed(
    production: ProductionCalendar,
    *,
    actor: User | None,
    now: datetime,
    what: str,
    data: dict[str, object],
) -> int:
    users = list(production.business_calendars.values_list("pk", flat=True))
    return _revised(production, users, actor=actor, now=now, what=what, data=data)


def production_calendar_edited(
    *, production: ProductionCalendar, actor: User | None, now: datetime
) -> int:
    """After an admin changed a production calendar's days."""
    _require_manager(actor)
    with transaction.atomic():
        return _production_calendar_changed(
            production, actor=actor, now=now, what="production.edited", data={}
        )


def load_production_year(
    *, production: ProductionCalendar, year: YearData, actor: User | None, now: datetime
) -> int:
    """Replace one year's day types (an admin adds a newly published year); the year's
    drafted days go, so nothing computed over it is marked a draft any more."""
    _require_manager(actor)
    with transaction.atomic():
        production.days.filter(day__year=year.year).delete()
        production.draft_days.filter(day__year=year.year).delete()
        ProductionDay.objects.bulk_create(
            ProductionDay(
                production_calendar=production, day=day, kind=kind.value, note=year.act[:200]
            )
            for day, kind in sorted(year.day_types().items())
        )
        return _production_calendar_changed(
            production,
            actor=actor,
            now=now,
            what="production.year_loaded",
            data={"year": year.year},
        )


def draft_production_year(
    *, production: ProductionCalendar, year: int, actor: User | None, now: datetime
) -> bool:
    """Draft a year the production calendar has no official data for from the `holidays`
    package, so deadlines over it follow the likely holidays instead of plain weekdays.

    Only the Russian calendar (code ``ru``) can be drafted; an official year, or a year
    drafted already, is left alone. True when days were drafted (revision bumped, open
    clocks recomputed)."""
    _require_manager(actor)
    from supportdesk.slamath.russia import drafted_day_types  # imports `holidays`

    if production.code != RU_CODE or year in official_years(production):
        return False
    if production.draft_days.filter(day__year=year).exists():
        return False
    source, types = drafted_day_types(year)
    with transaction.atomic():
        DraftDay.objects.bulk_create(
            DraftDay(production_calendar=production, day=day, kind=kind.value, source=source)
            for day, kind in sorted(types.items())
        )
        _production_calendar_changed(
            production,
            actor=actor,
            now=now,
            what="production.year_drafted",
            data={"year": year, "source": source, "days": len(types)},
        )
    return True
