"""The Russian production calendar: day types by date, shipped as data with its sources.

``data/ru_production.json`` lists, per year, the weekdays that are days off, the weekend
days that are working days and the shortened pre-holiday days, as the Government's
transfer decrees and the official production-calendar tables give them; see
``docs/ru-production-calendar.md``. Shortened days are decree data, never derived.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from supportdesk.slamath.hours import CalendarDataError, DayKind


@dataclass(frozen=True, slots=True)
class YearData:
    year: int
    act: str
    non_working: frozenset[date]
    working: frozenset[date]
    shortened: frozenset[date]
    norm_days: tuple[int, ...] | None  # official working days per month, if recorded
    norm_hours_40: tuple[float, ...] | None  # official hours per month at 40 h a week

    def day_types(self) -> dict[date, DayKind]:
        types = dict.fromkeys(self.non_working, DayKind.HOLIDAY)
        types.update(dict.fromkeys(self.working, DayKind.WORKING))
        types.update(dict.fromkeys(self.shortened, DayKind.SHORTENED))
        return types


def parse_year(year: int, raw: dict[str, Any]) -> YearData:
    def dates(key: str) -> frozenset[date]:
        values = frozenset(date.fromisoformat(text) for text in raw.get(key, []))
        stray = sorted(day for day in values if day.year != year)
        if stray:
            raise CalendarDataError(f"{year}: {key} lists a date of another year: {stray[0]}")
        return values

    non_working, working, shortened = dates("non_working"), dates("working"), dates("shortened")
    if weekend := sorted(day for day in non_working if day.weekday() >= 5):
        raise CalendarDataError(f"{year}: non_working lists a weekend day {weekend[0]}")
    if weekdays := sorted(day for day in working if day.weekday() < 5):
        raise CalendarDataError(f"{year}: working lists a weekday {weekdays[0]}")
    if off := sorted(shortened & non_working):
        raise CalendarDataError(f"{year}: {off[0]} is both shortened and a day off")
    norm = raw.get("norm")
    return YearData(
        year=year,
        act=str(raw.get("act", "")),
        non_working=non_working,
        working=working,
        shortened=shortened,
        norm_days=tuple(norm["days"]) if norm else None,
        norm_hours_40=tuple(norm["hours_40"]) if norm else None,
    )


def parse_production_calendar(document: dict[str, Any]) -> dict[int, YearData]:
    return {int(year): parse_year(int(year), raw) for year, raw in document["years"].items()}


@cache
def shipped_years() -> dict[int, YearData]:
    text = resources.files("supportdesk.slamath.data").joinpath("ru_production.json").read_text()
    return parse_production_calendar(json.loads(text))


def shipped_day_types() -> dict[date, DayKind]:
    types: dict[date, DayKind] = {}
    for data in shipped_years().values():
        types.update(data.day_types())
    return types


def draft_year_from_holidays(year: int) -> dict[str, Any]:
    """A new year's entry drafted from the `holidays` package, for an admin to complete.

    `holidays` knows public holidays, transferred days off and transferred working days,
    but not the shortened pre-holiday days: those are decree data and stay empty here.
    """
    from importlib.metadata import version

    import holidays

    russia = holidays.country_holidays("RU", years=year)
    return {
        "source": f"drafted from the holidays package {version('holidays')}",
        "years": {
            str(year): {
                "act": "",
                "non_working": sorted(day.isoformat() for day in russia if day.weekday() < 5),
                "working": sorted(
                    day.isoformat() for day in russia.weekend_workdays if day.year == year
                ),
                "shortened": [],
                "todo": "add the shortened pre-holiday days and the act from the official "
                "production calendar before loading",
            }
        },
    }


def drafted_day_types(year: int) -> tuple[str, dict[date, DayKind]]:
    """The year's day types as the `holidays` package drafts them, with where they come
    from: what the engine uses for a year that has no official data yet."""
    draft = draft_year_from_holidays(year)
    return str(draft["source"]), parse_year(year, draft["years"][str(year)]).day_types()
