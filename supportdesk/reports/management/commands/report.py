"""``supportdesk report sla``: the monthly SLA quality report of one contract, for scripts
and cron. ``--format json`` prints one object (``reports.as_json``); ``pdf`` and ``xlsx``
write ``--output``. Bad input (unknown contract, malformed month, a file form without
``--output``) exits 2 with one line on stderr."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import timezone

from supportdesk.contracts.models import Contract
from supportdesk.core.commands import ScriptCommand
from supportdesk.reports.sla_report import REPORTING_DB, build_sla_report, parse_month

FORMATS = ("json", "pdf", "xlsx")


class Command(ScriptCommand):
    help = "Reports: the monthly SLA quality report of a contract."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        sla = commands.add_parser("sla", help="the SLA quality report of one contract-month")
        sla.add_argument("--contract", required=True, help="the contract's number")
        sla.add_argument("--month", required=True, help="YYYY-MM, in the customer's time zone")
        sla.add_argument("--format", required=True, choices=FORMATS)
        sla.add_argument("--output", help="the file to write (required for pdf and xlsx)")
        sla.add_argument(
            "--language", default="ru", choices=[code for code, _ in settings.LANGUAGES]
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.handle_sla(options)
        except DatabaseError as error:
            raise CommandError(f"database not ready ({error}); run: supportdesk migrate") from None

    def handle_sla(self, options: dict[str, Any]) -> None:
        try:
            month = parse_month(options["month"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        kind, output = options["format"], options["output"]
        if kind != "json" and not output:
            raise CommandError(f"--format {kind} needs --output FILE")
        contract = Contract.objects.using(REPORTING_DB).filter(number=options["contract"]).first()
        if contract is None:
            raise CommandError(f"unknown contract {options['contract']!r}")
        report = build_sla_report(contract, month, now=timezone.now())
        if kind == "json":
            from supportdesk.reports.as_json import report_as_json

            text = json.dumps(report_as_json(report), ensure_ascii=False)
            if output:
                Path(output).write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
        elif kind == "pdf":
            from supportdesk.reports.pdf import render_pdf  # type: ignore[import-not-found, import-untyped, unused-ignore]

            Path(output).write_bytes(render_pdf(report, language=options["language"]))
        else:
            from supportdesk.reports.xlsx import write_xlsx  # type: ignore[import-not-found, import-untyped, unused-ignore]

            with Path(output).open("wb") as file:
                write_xlsx(report, file, language=options["language"])
