"""``sla targets``: the parser and the answer, without Django (see ``calendars/script.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supportdesk.calendars.plain_reads import Rows, UnknownCalendar, read_calendars
from supportdesk.core.script import ScriptError, output, parse_instant
from supportdesk.sla.plain_reads import policy_in_force
from supportdesk.slamath.calendar import NoWorkingTime
from supportdesk.slamath.policy import PolicyError, Priority, RequestType


def add_plain_commands(commands: Any) -> None:
    """``targets`` on an ``add_subparsers()`` object."""
    targets = commands.add_parser("targets", help="reaction and resolution due instants")
    targets.add_argument("--plan", required=True)
    targets.add_argument("--type", required=True, choices=[t.value for t in RequestType])
    targets.add_argument("--priority", required=True, choices=[p.value for p in Priority])
    targets.add_argument("--start", required=True)
    targets.add_argument("--json", action="store_true")


def answer(options: Mapping[str, Any], rows: Rows) -> str:
    """What ``sla targets`` prints: the due instants a new request would get."""
    try:
        return answer_targets(options, rows)
    except (PolicyError, UnknownCalendar, NoWorkingTime) as error:
        raise ScriptError(str(error).strip("'\"")) from None


def answer_targets(options: Mapping[str, Any], rows: Rows) -> str:
    start = parse_instant(options["start"], option="--start")
    policy = policy_in_force(rows, options["plan"], start)
    rule = policy.rule(RequestType(options["type"]), Priority(options["priority"]))
    names = {rule.reaction.calendar} | ({rule.resolution.calendar} if rule.resolution else set())
    calendars = read_calendars(rows, names)
    reaction_due = calendars[rule.reaction.calendar].add(start, rule.reaction.duration)
    resolution_due = None
    if rule.resolution:
        resolution_due = calendars[rule.resolution.calendar].add(start, rule.resolution.duration)
    drafts = calendars[rule.reaction.calendar].draft_years_between(start, reaction_due)
    if rule.resolution and resolution_due:
        drafts |= calendars[rule.resolution.calendar].draft_years_between(start, resolution_due)
    payload = {
        "reaction_due": reaction_due.isoformat(),
        "resolution_due": resolution_due.isoformat() if resolution_due else None,
        "reaction_calendar": rule.reaction.calendar,
        "resolution_calendar": rule.resolution.calendar if rule.resolution else None,
        "calendar_draft": bool(drafts),
    }
    text = "\n".join(f"{key}: {value}" for key, value in payload.items())
    return output(payload, as_json=options["json"], text=text)
