"""``supportdesk calendar list|span|add|load-production``: calendar maths from the shell."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import timezone

from supportdesk.calendars import script
from supportdesk.calendars.engine import load_calendars
from supportdesk.calendars.models import ProductionCalendar
from supportdesk.calendars.plain_reads import UnknownCalendar
from supportdesk.core.commands import ScriptCommand, django_rows
from supportdesk.slamath.calendar import NoWorkingTime
from supportdesk.slamath.hours import CalendarDataError


class Command(ScriptCommand):
    help = "Business calendars: list them, measure working time, add working hours."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        script.add_plain_commands(commands)  # list, span, add
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
            if options["action"] in {"list", "span", "add"}:
                self.stdout.write(script.answer(options, django_rows()))
            else:
                getattr(self, "handle_" + options["action"].replace("-", "_"))(options)
        except (UnknownCalendar, CalendarDataError, NoWorkingTime) as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"database not ready ({error}); run: supportdesk migrate") from None

    # The admin's subcommands import what they need: a script calling list, span or add
    # through Django (``--settings``) does not pay for the actions, the clocks, `holidays`.
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
