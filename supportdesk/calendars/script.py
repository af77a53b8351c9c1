"""``calendar list|span|add``: the parsers and the answers, without Django.

Run by the console script straight on the database (``supportdesk/core/script.py``) and by
the ``calendar`` management command with Django's cursor: one definition of the contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from supportdesk.calendars.plain_reads import Rows, UnknownCalendar, list_calendars, read_calendar
from supportdesk.core.script import ScriptError, output, parse_instant
from supportdesk.slamath.calendar import NoWorkingTime
from supportdesk.slamath.hours import CalendarDataError


def add_plain_commands(commands: Any) -> None:
    """``list``, ``span`` and ``add`` on an ``add_subparsers()`` object."""
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


def answer(options: Mapping[str, Any], rows: Rows) -> str:
    """What ``calendar list|span|add`` prints, read through ``rows``."""
    try:
        if options["action"] == "list":
            return answer_list(options, rows)
        if options["action"] == "span":
            return answer_span(options, rows)
        return answer_add(options, rows)
    except (UnknownCalendar, CalendarDataError, NoWorkingTime) as error:
        raise ScriptError(str(error)) from None


def answer_list(options: Mapping[str, Any], rows: Rows) -> str:
    calendars = list_calendars(rows)
    text = "\n".join(f"{c['name']:<16} {c['time_zone']:<16} {c['title']}" for c in calendars)
    return output({"calendars": calendars}, as_json=options["json"], text=text)


def answer_span(options: Mapping[str, Any], rows: Rows) -> str:
    start = parse_instant(options["start"], option="--start")
    end = parse_instant(options["end"], option="--end")
    if end < start:
        raise ScriptError("--end is before --start")
    calendar = read_calendar(rows, options["calendar"])
    seconds = round(calendar.working_time(start, end).total_seconds())
    days = calendar.working_days(start, end)
    text = f"{seconds} working seconds ({seconds / 3600:g} h) on {days} working days"
    drafts = calendar.draft_years_between(start, end)
    return output(
        {"working_seconds": seconds, "working_days": days, "calendar_draft": bool(drafts)},
        as_json=options["json"],
        text=text + draft_note(drafts),
    )


def answer_add(options: Mapping[str, Any], rows: Rows) -> str:
    start = parse_instant(options["start"], option="--start")
    duration = parse_hours_amount(options["hours"])
    calendar = read_calendar(rows, options["calendar"])
    due = calendar.add(start, duration)
    drafts = calendar.draft_years_between(start, due)
    return output(
        {"due": due.isoformat(), "calendar_draft": bool(drafts)},
        as_json=options["json"],
        text=due.isoformat() + draft_note(drafts),
    )


def parse_hours_amount(text: str) -> timedelta:
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise ScriptError(f"--hours {text!r} is not a number") from None
    if not hours.is_finite() or hours < 0:
        raise ScriptError(f"--hours {text!r} must be a non-negative number")
    return timedelta(microseconds=int(hours * 3_600_000_000))


def draft_note(years: Iterable[int]) -> str:
    """What the text output adds when an answer relied on drafted years."""
    ordered = sorted(years)
    if not ordered:
        return ""
    listed = ", ".join(map(str, ordered))
    return f" (draft: no official production calendar for {listed})"
