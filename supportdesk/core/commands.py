"""A base for commands that scripts depend on: bad input exits 2 with one line."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, handle_default_options


class ScriptCommand(BaseCommand):
    # Scripts call these in loops: the system checks would load the URLconf (the API and
    # every page) on each call, which costs more than the command itself.
    requires_system_checks = ()

    def run_from_argv(self, argv: list[str]) -> None:
        # Unlike BaseCommand, parse errors raise CommandError (caught below) instead of
        # printing usage: callers get exactly one line on stderr.
        parser = self.create_parser(argv[0], argv[1])
        try:
            options = parser.parse_args(argv[2:])
            cmd_options = vars(options)
            args = cmd_options.pop("args", ())
            handle_default_options(options)
            self.execute(*args, **cmd_options)
        except CommandError as error:
            message = " ".join(str(error).split()).removeprefix("Error: ")
            sys.stderr.write(f"error: {message}\n")
            sys.exit(2)

    def emit(self, payload: dict[str, Any], *, as_json: bool, text: str) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False) if as_json else text)


def parse_instant(text: str, *, option: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} {text!r} is not an ISO 8601 instant") from None
    if instant.tzinfo is None:
        raise CommandError(f"{option} {text!r} has no UTC offset (e.g. 2026-01-12T10:00:00+03:00)")
    return instant
