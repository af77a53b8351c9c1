"""``supportdesk sla targets``: the due instants a new request would get;
``supportdesk sla replay``: a request's history (JSON on stdin) replayed through its clocks."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError

from supportdesk.calendars.engine import UnknownCalendar, load_calendars
from supportdesk.core.commands import ScriptCommand, parse_instant
from supportdesk.sla.policies import as_policy, version_in_force
from supportdesk.sla.replay import replay_input, replayed_json
from supportdesk.slamath.calendar import NoWorkingTime
from supportdesk.slamath.policy import PolicyError, Priority, RequestType
from supportdesk.slamath.replay import ReplayError


class Command(ScriptCommand):
    help = "SLA policy: targets and due instants for a plan, request type and priority."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        targets = commands.add_parser("targets", help="reaction and resolution due instants")
        targets.add_argument("--plan", required=True)
        targets.add_argument("--type", required=True, choices=[t.value for t in RequestType])
        targets.add_argument("--priority", required=True, choices=[p.value for p in Priority])
        targets.add_argument("--start", required=True)
        targets.add_argument("--json", action="store_true")
        replay = commands.add_parser(
            "replay", help="a request's clocks from its history, read as JSON from stdin"
        )
        replay.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "replay":
                self.handle_replay(options)
            else:
                self.handle_targets(options)
        except ReplayError as error:
            raise CommandError(str(error)) from None
        except (PolicyError, UnknownCalendar, NoWorkingTime) as error:
            raise CommandError(str(error).strip("'\"")) from None
        except DatabaseError as error:
            raise CommandError(f"database not ready ({error}); run: supportdesk migrate") from None

    def handle_targets(self, options: dict[str, Any]) -> None:
        start = parse_instant(options["start"], option="--start")
        policy = as_policy(version_in_force(options["plan"], start))
        rule = policy.rule(RequestType(options["type"]), Priority(options["priority"]))
        names = {rule.reaction.calendar} | (
            {rule.resolution.calendar} if rule.resolution else set()
        )
        calendars = load_calendars(names)
        reaction_due = calendars[rule.reaction.calendar].add(start, rule.reaction.duration)
        resolution_due = None
        if rule.resolution:
            resolution_due = calendars[rule.resolution.calendar].add(
                start, rule.resolution.duration
            )
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
        self.emit(payload, as_json=options["json"], text=text)

    def handle_replay(self, options: dict[str, Any]) -> None:
        payload = replayed_json(replay_input(sys.stdin.read()))
        lines = []
        for name, clock in payload.items():
            if clock is None:
                lines.append(f"{name}: none")
                continue
            outcome = "breached" if clock["breached"] else "within target"
            lines.append(
                f"{name}: {clock['status']}, {outcome}, elapsed {clock['elapsed_seconds']} s "
                f"of {clock['target_seconds']} s, due {clock['due']}, "
                f"stopped {clock['stopped_at']}, paused {clock['paused_seconds']} s"
            )
        self.emit(dict(payload), as_json=options["json"], text="\n".join(lines))
