"""The commands scripts call in loops, run without Django.

``supportdesk calendar list|span|add`` and ``supportdesk sla targets`` read a few rows and
do pure calendar maths. Started through Django they cost more than half a second of CPU on
a slow machine, nearly all of it importing Django's model layer (docs/benchmarks.md), so
the console script (``supportdesk/cli.py``) runs them here: the settings are loaded as for
every command (a missing or malformed variable still stops it), then the rows are read
with the database's own driver and the answer printed. The same parsers and answers serve
the management commands (``call_command``, ``--settings``), which pass Django's cursor.

Nothing here imports Django's database, app registry, settings object or command
machinery; ``tests/core/test_script_commands_start_lean.py`` checks it on each call.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from importlib import import_module
from pathlib import Path
from typing import Any, NoReturn, Protocol

from supportdesk.calendars.plain_reads import Rows

# (command, subcommand) -> the module with its parser and answer (``PlainCommands``).
PLAIN_COMMANDS = {
    ("calendar", "list"): "supportdesk.calendars.script",
    ("calendar", "span"): "supportdesk.calendars.script",
    ("calendar", "add"): "supportdesk.calendars.script",
    ("sla", "targets"): "supportdesk.sla.script",
}
# Options that change what Django loads: with them, a command goes through Django.
DJANGO_OPTIONS = ("--settings", "--pythonpath")
# OPTIONS that Django's PostgreSQL backend keeps for itself rather than pass to psycopg.
DJANGO_CONNECTION_OPTIONS = frozenset(
    {"pool", "server_side_binding", "isolation_level", "assume_role", "prepare_threshold"}
)
PLAIN_ENGINES = frozenset({"django.db.backends.sqlite3", "django.db.backends.postgresql"})


class ScriptError(Exception):
    """Bad input or an impossible answer: one line on stderr, exit status 2."""


class ScriptParser(argparse.ArgumentParser):
    """A parser whose errors raise ScriptError (one line) instead of printing usage."""

    def error(self, message: str) -> NoReturn:
        raise ScriptError(message)


class PlainCommands(Protocol):
    def add_plain_commands(self, commands: Any) -> None: ...

    def answer(self, options: Mapping[str, Any], rows: Rows) -> str: ...


def parse_instant(text: str, *, option: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ScriptError(f"{option} {text!r} is not an ISO 8601 instant") from None
    if instant.tzinfo is None:
        raise ScriptError(f"{option} {text!r} has no UTC offset (e.g. 2026-01-12T10:00:00+03:00)")
    return instant


def output(payload: Mapping[str, Any], *, as_json: bool, text: str) -> str:
    return json.dumps(payload, ensure_ascii=False) if as_json else text


def database_not_ready(error: Exception) -> ScriptError:
    return ScriptError(f"database not ready ({error}); run: supportdesk migrate")


def runs_plain(argv: Sequence[str], database: Mapping[str, Any]) -> bool:
    """Whether this call is one of the plain commands, on a database read without Django."""
    return (
        tuple(argv[1:3]) in PLAIN_COMMANDS
        and database.get("ENGINE") in PLAIN_ENGINES
        and not any(arg.split("=")[0] in DJANGO_OPTIONS for arg in argv[2:])
    )


def run_plain(argv: Sequence[str], database: Mapping[str, Any]) -> None:
    """Parse, read and answer as the management command would; exit 2 on an error."""
    module: PlainCommands = import_module(PLAIN_COMMANDS[argv[1], argv[2]])
    parser = ScriptParser(prog=f"{os.path.basename(argv[0])} {argv[1]}")
    module.add_plain_commands(parser.add_subparsers(dest="action", required=True))
    try:
        options = vars(parser.parse_args(argv[2:]))
        text = answer_from_database(module, options, database)
    except ScriptError as error:
        sys.stderr.write(f"error: {' '.join(str(error).split())}\n")
        sys.exit(2)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def answer_from_database(
    module: PlainCommands, options: Mapping[str, Any], database: Mapping[str, Any]
) -> str:
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return _answer_from_sqlite(module, options, str(database["NAME"]))
    return _answer_from_postgresql(module, options, database)


def _answer_from_sqlite(module: PlainCommands, options: Mapping[str, Any], name: str) -> str:
    import sqlite3

    try:
        # mode=rw: a missing file is an error, not a new empty database.
        uri = Path(name).resolve().as_uri() + "?mode=rw"
        connection = sqlite3.connect(uri, uri=True, timeout=20)
    except sqlite3.Error as error:
        raise database_not_ready(error) from None
    try:

        def rows(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()

        return module.answer(options, rows)
    except sqlite3.Error as error:
        raise database_not_ready(error) from None
    finally:
        connection.close()


def _answer_from_postgresql(
    module: PlainCommands, options: Mapping[str, Any], database: Mapping[str, Any]
) -> str:
    import psycopg

    parameters = {
        "dbname": database.get("NAME"),
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
    }
    # The connection options reach psycopg as Django passes them (sslmode, options, ...),
    # less Django's own and the pool's.
    connection_options = {
        key: value
        for key, value in (database.get("OPTIONS") or {}).items()
        if key not in DJANGO_CONNECTION_OPTIONS
    }
    try:
        # No prepared statements: PgBouncer in transaction mode may stand in between.
        connection = psycopg.connect(
            **{key: value for key, value in parameters.items() if value},
            **connection_options,
            autocommit=True,
            prepare_threshold=None,
        )
    except psycopg.Error as error:
        raise database_not_ready(error) from None
    try:

        def rows(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
            return connection.execute(sql, params).fetchall()

        return module.answer(options, rows)
    except psycopg.Error as error:
        raise database_not_ready(error) from None
    finally:
        connection.close()
