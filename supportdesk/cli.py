"""The ``supportdesk`` console script: Django's management commands under one name.

``calendar list|span|add`` and ``sla targets`` run without Django once the settings are
loaded (``supportdesk/core/script.py``): scripts call them in loops. The other ``calendar``
and ``sla`` subcommands, ``report`` and ``worktime`` are called from scripts too, so they
start lean: they read calendars and policies through the models and need neither the
web (no system checks, no URLconf, no admin registry) nor the job queue (Huey imports Redis
and psycopg clients). ``mail`` (``ingest`` replays messages in loops; ``poll`` runs beside
the worker) starts as lean but keeps the job queue: what it takes in notifies people. Every
other command goes through Django's ``execute_from_command_line``.
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from importlib import import_module

from supportdesk.core.script import run_plain, runs_plain

# command -> the app that holds it in <app>/management/commands/<command>.py
SCRIPT_COMMANDS = {
    "calendar": "supportdesk.calendars",
    "sla": "supportdesk.sla",
    "mail": "supportdesk.channels.email",
    "report": "supportdesk.reports",
    "worktime": "supportdesk.entitlements",
    "price": "supportdesk.billing",
}
# Script commands whose actions queue jobs.
SCRIPT_COMMANDS_WITH_JOBS = frozenset({"mail"})
# What the script commands leave out of the app registry (the job queue; ninja, which is an
# app only for the static files of /api/docs), and the admin without its autodiscovery
# (which imports every app's admin module).
SCRIPT_SKIPPED_APPS = frozenset({"huey.contrib.djhuey", "ninja"})
SCRIPT_ADMIN = "django.contrib.admin.apps.SimpleAdminConfig"
SITE_ADMINS = frozenset({"django.contrib.admin", "supportdesk.web.apps.AdminConfig"})


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    from django.core.exceptions import ImproperlyConfigured

    # Load the settings first, so a missing or malformed environment variable stops every
    # command with one line naming it (exit 2), not a traceback or a half-working command.
    try:
        settings = import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ImproperlyConfigured as error:
        sys.stderr.write(f"supportdesk: {error}\n")
        sys.exit(2)
    database = getattr(settings, "DATABASES", {}).get("default", {})
    if runs_plain(sys.argv, database):
        run_plain(sys.argv, database)
        return
    if len(sys.argv) > 1 and sys.argv[1] in SCRIPT_COMMANDS:
        run_script_command(sys.argv)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


def run_script_command(argv: list[str]) -> None:
    import django
    from django.conf import settings
    from django.core.management import load_command_class
    from django.core.management.base import CommandError, CommandParser, handle_default_options

    # As Django's ManagementUtility does, --settings and --pythonpath act before the setup.
    early = CommandParser(add_help=False, allow_abbrev=False)
    early.add_argument("--settings")
    early.add_argument("--pythonpath")
    with suppress(CommandError):  # the command's own parser reports a bad option
        handle_default_options(early.parse_known_args(argv[2:])[0])
    skipped = SCRIPT_SKIPPED_APPS
    if argv[1] in SCRIPT_COMMANDS_WITH_JOBS:
        skipped = skipped - {"huey.contrib.djhuey"}
    settings.INSTALLED_APPS = [
        SCRIPT_ADMIN if app in SITE_ADMINS else app
        for app in settings.INSTALLED_APPS
        if app not in skipped
    ]
    django.setup()
    load_command_class(SCRIPT_COMMANDS[argv[1]], argv[1]).run_from_argv(argv)


if __name__ == "__main__":
    main()
