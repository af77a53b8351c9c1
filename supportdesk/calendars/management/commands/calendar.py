"""``supportdesk calendar list|span|add|load-production``: calendar maths from the shell."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import timezone

from supportdesk.calendars.engine import UnknownCalendar, get_calendar, load_calendars
from supportdesk.calendars.models import BusinessCalendar, ProductionCalendar
from supportdesk.core.commands import ScriptCommand, parse_instant
from supportdesk.slamath.calendar import NoWorkingTime
from supportdesk.slamath.hours import CalendarDataError


def parse_hours_amount(text: str) -> timedelta:
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"--hours {text!r} is not a number") from None
    if not hours.is_finite() or hours < 0:
        raise CommandError(f"--hours {text!r} must be a non-negative number")
    return timedelta(microseconds=int(hours * 3_600_000_000))


def draft_note(years: Iterable[int]) -> str:
    """What the text output adds when an answer relied on drafted years."""
    ordered = sorted(years)
    if not ordered:
        return ""
    listed = ", ".join(map(str, ordered))
    return f" (draft: no official production calendar for {listed})"


class Command(ScriptCommand):
    help = "Business calendars: list them, measure working time, add working hours."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        listing = commands.add_parser("list", help="the calendars and their hours")
        listing.add_argument("--json", action="store_true")
        span = commands.add_parser("span", help="working time and days in [start, end)")
        add = commands.add_parser("add", help="the instant when H working hours have passed")
        for sub in (span, add):
            sub.add_argument("--calendar", required=True)
            sub.add_argument("--start", required=True)
            sub.add_argument("--json", action="store_true")
        span.add_argument("--end", required=True)
        add.add_argument("--hours", required=True)
        load = commands.add_parser(
            "load-production", help="add or replace years of a production calendar from JSON"
        )
        load.add_argument("--file", required=True, type=Path)
        load.add_argument("--code", default="ru")
        draft = commands.add_parser(
            "draft-year", help="print a year's JSON drafted from the holidays package"
        )
        draft.add_argument("--year", required=True, type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "handle_" + options["action"].replace("-", "_"))(options)
        except UnknownCalendar as error:
            raise CommandError(str(error)) from None
        except (CalendarDataError, NoWorkingTime) as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"database not ready ({error}); run: supportdesk migrate") from None

    def handle_list(self, options: dict[str, Any]) -> None:
        rows = BusinessCalendar.objects.select_related("production_calendar")
        calendars = [
            {
                "name": row.name,
                "title": row.title,
                "time_zone": row.time_zone,
                "weekly": dict(zip(row.WEEKDAY_FIELDS, row.weekly_hours(), strict=True)),
                "production_calendar": row.production_calendar.code
                if row.production_calendar
                else None,
                "shortened_by_minutes": row.shortened_by_minutes,
            }
            for row in rows
        ]
        text = "\n".join(f"{c['name']:<16} {c['time_zone']:<16} {c['title']}" for c in calendars)
        self.emit({"calendars": calendars}, as_json=options["json"], text=text)

    def handle_span(self, options: dict[str, Any]) -> None:
        start = parse_instant(options["start"], option="--start")
        end = parse_instant(options["end"], option="--end")
        if end < start:
            raise CommandError("--end is before --start")
        calendar = get_calendar(options["calendar"])
        seconds = round(calendar.working_time(start, end).total_seconds())
        days = calendar.working_days(start, end)
        text = f"{seconds} working seconds ({seconds / 3600:g} h) on {days} working days"
        drafts = calendar.draft_years_between(start, end)
        self.emit(
            {"working_seconds": seconds, "working_days": days, "calendar_draft": bool(drafts)},
            as_json=options["json"],
            text=text + draft_note(drafts),
        )

    def handle_add(self, options: dict[str, Any]) -> None:
        start = parse_instant(options["start"], option="--start")
        duration = parse_hours_amount(options["hours"])
        calendar = get_calendar(options["calendar"])
        due = calendar.add(start, duration)
        drafts = calendar.draft_years_between(start, due)
        self.emit(
            {"due": due.isoformat(), "calendar_draft": bool(drafts)},
            as_json=options["json"],
            text=due.isoformat() + draft_note(drafts),
        )

    # The admin's subcommands import what they need, so that list, span and add (which
    # scripts call in loops) do not pay for the actions, the clocks and `holidays`.
    def handle_draft_year(self, options: dict[str, Any]) -> None:
        from supportdesk.slamath.russia import draft_year_from_holidays

        self.stdout.write(json.dumps(draft_year_from_holidays(options["year"]), indent=2))

    def handle_load_production(self, options: dict[str, Any]) -> None:
        from supportdesk.calendars.actions import load_production_year
        from supportdesk.slamath.russia import parse_production_calendar

        try:
            years = parse_production_calendar(json.loads(options["file"].read_text()))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"cannot read {options['file']}: {error}") from None
        try:
            production = ProductionCalendar.objects.get(code=options["code"])
        except ProductionCalendar.DoesNotExist:
            raise CommandError(f"unknown production calendar {options['code']!r}") from None
        now = timezone.now()
        for data in years.values():
            recomputed = load_production_year(production=production, year=data, actor=None, now=now)
            self.stdout.write(f"{data.year}: loaded, {recomputed} open clocks recomputed")
        load_calendars()  # compiles once, proving the new data is usable
