"""``supportdesk report sla``: the SLA quality report of one contract over a month
(``--month YYYY-MM``), a quarter (``--quarter YYYY-Qn``) or a calendar year (``--year
YYYY``), for scripts and cron. ``--format json`` prints one object (``reports.as_json``);
``pdf`` and ``xlsx`` write ``--output``. Bad input (unknown contract, malformed period, a
file form without ``--output``) exits 2 with one line on stderr."""

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
from supportdesk.reports.database import reporting_database
from supportdesk.reports.periods import Period, parse_quarter, parse_year
from supportdesk.reports.sla_report import build_sla_report, parse_month

FORMATS = ("json", "pdf", "xlsx")


class Command(ScriptCommand):
    help = "Reports: the SLA quality report of a contract (a month, a quarter or a year)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        sla = commands.add_parser(
            "sla", help="the SLA quality report of one contract over a month, quarter or year"
        )
        sla.add_argument("--contract", required=True, help="the contract's number")
        period = sla.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", help="YYYY-MM, in the customer's time zone")
        period.add_argument("--quarter", help="YYYY-Qn (e.g. 2026-Q4)")
        period.add_argument("--year", help="YYYY: the calendar year")
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
            if options["month"] is not None:
                period = Period.month(parse_month(options["month"]))
            elif options["quarter"] is not None:
                period = parse_quarter(options["quarter"])
            else:
                period = parse_year(options["year"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        kind, output = options["format"], options["output"]
        if kind != "json" and not output:
            raise CommandError(f"--format {kind} needs --output FILE")
        contract = (
            Contract.objects.using(reporting_database()).filter(number=options["contract"]).first()
        )
        if contract is None:
            raise CommandError(f"unknown contract {options['contract']!r}")
        report = build_sla_report(contract, period, now=timezone.now())
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
