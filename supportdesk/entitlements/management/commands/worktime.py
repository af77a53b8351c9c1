"""``supportdesk worktime split``: a time entry's split on a business calendar.

The JSON is a contract scripts and tests rely on: ``{"in_hours_seconds": int,
"off_hours_seconds": int, "charged_seconds": int}`` under the shipped rule (off hours
count double), unrounded. Bad input exits 2 with one line.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError

from supportdesk.calendars.engine import get_calendar
from supportdesk.calendars.plain_reads import UnknownCalendar
from supportdesk.core.commands import ScriptCommand, parse_instant
from supportdesk.slamath.hours import CalendarDataError
from supportdesk.slamath.worktime import DOUBLE_OFF_HOURS, split


class Command(ScriptCommand):
    help = "Work time: split [start, end) into business and off hours, and charge it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        span = commands.add_parser("split", help="in-hours, off-hours and charged seconds")
        span.add_argument("--start", required=True)
        span.add_argument("--end", required=True)
        span.add_argument("--calendar", default=None, help="default: the vendor's calendar")
        span.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        start = parse_instant(options["start"], option="--start")
        end = parse_instant(options["end"], option="--end")
        if end < start:
            raise CommandError("--end is before --start")
        name = options["calendar"] or settings.BUSINESS_CALENDAR
        try:
            parts = split(get_calendar(name), start, end, DOUBLE_OFF_HOURS)
        except UnknownCalendar as error:
            raise CommandError(str(error)) from None
        except CalendarDataError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"database not ready ({error}); run: supportdesk migrate") from None
        payload = {
            "in_hours_seconds": parts.in_hours_seconds,
            "off_hours_seconds": parts.off_hours_seconds,
            "charged_seconds": parts.charged_seconds,
        }
        text = (
            f"{parts.in_hours_seconds} s in business hours, {parts.off_hours_seconds} s outside; "
            f"charged {parts.charged_seconds} s ({name}, {DOUBLE_OFF_HOURS.code})"
        )
        self.emit(payload, as_json=options["json"], text=text)
