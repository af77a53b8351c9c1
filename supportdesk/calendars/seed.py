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
    if new_days and present:
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
