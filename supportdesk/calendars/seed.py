"""Shipped calendars into the database; used by data migrations, so it takes ``apps``."""

from __future__ import annotations

from typing import Any

from supportdesk.slamath.catalog import SHIPPED
from supportdesk.slamath.russia import shipped_years

RU_CODE = "ru"
RU_TITLE = "Производственный календарь РФ"
RU_SOURCE = (
    "Labour Code art. 112 and the Government's yearly transfer decrees; shortened days and "
    "norms from the official production-calendar tables. See docs/ru-production-calendar.md."
)


def seed_russian_production_calendar(apps: Any, schema_editor: Any) -> None:
    """Create the Russian production calendar and add every shipped year it lacks."""
    production_model = apps.get_model("calendars", "ProductionCalendar")
    day_model = apps.get_model("calendars", "ProductionDay")
    production, _ = production_model.objects.get_or_create(
        code=RU_CODE, defaults={"title": RU_TITLE, "source": RU_SOURCE}
    )
    present = {day.year for day in production.days.values_list("day", flat=True)}
    new_days = [
        day_model(production_calendar=production, day=day, kind=kind.value, note=data.act[:200])
        for year, data in sorted(shipped_years().items())
        if year not in present
        for day, kind in sorted(data.day_types().items())
    ]
    day_model.objects.bulk_create(new_days)
    _drop_drafts_of(apps, production, {day.day.year for day in new_days})
    if new_days and present:
        production.revision += 1
        production.save(update_fields=["revision"])


def _drop_drafts_of(apps: Any, production: Any, years: set[int]) -> None:
    """Official years replace their drafted days (no drafts before migration 0003)."""
    try:
        draft_model = apps.get_model("calendars", "DraftDay")
    except LookupError:
        return
    draft_model.objects.filter(production_calendar=production, day__year__in=years).delete()


def draft_year_after_the_shipped(apps: Any, schema_editor: Any) -> None:
    """Draft, from the `holidays` package, the year after the last official year of the
    Russian production calendar, so deadlines that reach it follow the likely holidays
    from the start; the daily calendar job drafts later years as they come."""
    from supportdesk.slamath.russia import drafted_day_types

    production = apps.get_model("calendars", "ProductionCalendar").objects.filter(code=RU_CODE)
    production = production.first()
    if production is None:
        return
    years = {day.year for day in production.days.dates("day", "year")}
    if not years:
        return
    year = max(years) + 1
    draft_model = apps.get_model("calendars", "DraftDay")
    if draft_model.objects.filter(production_calendar=production, day__year=year).exists():
        return
    source, types = drafted_day_types(year)
    draft_model.objects.bulk_create(
        draft_model(production_calendar=production, day=day, kind=kind.value, source=source)
        for day, kind in sorted(types.items())
    )
    production.revision += 1
    production.save(update_fields=["revision"])


def seed_shipped_calendars(apps: Any, schema_editor: Any) -> None:
    calendar_model = apps.get_model("calendars", "BusinessCalendar")
    production = apps.get_model("calendars", "ProductionCalendar").objects.get(code=RU_CODE)
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for definition in SHIPPED.values():
        calendar_model.objects.get_or_create(
            name=definition.name,
            defaults={
                "title": definition.title,
                "time_zone": definition.time_zone,
                "production_calendar": production if definition.uses_production_calendar else None,
                "shortened_by_minutes": definition.shortened_by_minutes,
                **dict(zip(weekdays, definition.weekly, strict=True)),
            },
        )
