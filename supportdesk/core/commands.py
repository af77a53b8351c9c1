"""A base for commands that scripts depend on: bad input exits 2 with one line."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, handle_default_options
from django.db import connections

from supportdesk.calendars.plain_reads import Rows
from supportdesk.core.script import ScriptError, parse_instant

__all__ = ["ScriptCommand", "django_rows", "parse_instant"]


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

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except ScriptError as error:  # from the parts shared with the plain commands
            raise CommandError(str(error)) from None

    def emit(self, payload: dict[str, Any], *, as_json: bool, text: str) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False) if as_json else text)


def django_rows(using: str = "default") -> Rows:
    """The plain reads' ``Rows`` over Django's connection (``%s`` placeholders on both
    databases)."""

    def rows(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        with connections[using].cursor() as cursor:
            cursor.execute(sql, list(params))  # type: ignore[arg-type]  # plain values
            found: list[tuple[Any, ...]] = cursor.fetchall()
            return found

    return rows
