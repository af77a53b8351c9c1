"""``supportdesk sla targets``: the due instants a new request would get;
``supportdesk sla replay``: a request's history (JSON on stdin) replayed through its clocks."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError

from supportdesk.calendars.plain_reads import UnknownCalendar
from supportdesk.core.commands import ScriptCommand, django_rows
from supportdesk.sla import script
from supportdesk.sla.replay import replay_input, replayed_json
from supportdesk.slamath.calendar import NoWorkingTime
from supportdesk.slamath.policy import PolicyError
from supportdesk.slamath.replay import ReplayError


class Command(ScriptCommand):
    help = "SLA policy: targets and due instants for a plan, request type and priority."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        script.add_plain_commands(commands)  # targets
        replay = commands.add_parser(
            "replay", help="a request's clocks from its history, read as JSON from stdin"
        )
        replay.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "replay":
                self.handle_replay(options)
            else:
                self.stdout.write(script.answer(options, django_rows()))
        except ReplayError as error:
            raise CommandError(str(error)) from None
        except (PolicyError, UnknownCalendar, NoWorkingTime) as error:  # from the replay
            raise CommandError(str(error).strip("'\"")) from None
        except DatabaseError as error:
            raise CommandError(f"database not ready ({error}); run: supportdesk migrate") from None

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
