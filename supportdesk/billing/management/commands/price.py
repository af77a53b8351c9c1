"""``supportdesk price``: quotes from the price list in force, and the lead's list upkeep.

``price quote ... --json`` prints one JSON object and nothing else (a contract scripts and
tests rely on, docs/pricing.md); unknown plan or add-on and bad input exit 2 with one line.
``price load FILE --as LEAD`` loads (or replaces) a draft, ``price in-force VERSION --as
LEAD`` puts it in force, ``price show VERSION`` prints a list as the JSON ``load`` reads.
"""

from __future__ import annotations

import json
import re
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import timezone, translation

from supportdesk.billing import actions, reads
from supportdesk.billing.display import as_json
from supportdesk.billing.models import PriceList
from supportdesk.contracts.models import AddOn, AddOnDefinition
from supportdesk.core.commands import ScriptCommand
from supportdesk.pricing.calculator import InputError, Inputs, quote
from supportdesk.pricing.pricelist import PLANS
from supportdesk.staff.permissions import ActionDenied

ADDON = re.compile(r"^([a-z_]+)(?:=(\d{1,6}))?$")


def _add_on_help() -> str:
    units = {"year": "per year", "visit": "per visit, =QUANTITY", "hour": "per hour, =QUANTITY"}
    try:
        known = dict(AddOnDefinition.objects.values_list("code", "unit"))
    except DatabaseError:
        known = {}
    return "add-on codes:\n" + "\n".join(
        f"  {code:<24} {units.get(known.get(code, ''), '')}".rstrip() for code in AddOn.values
    )


class Command(ScriptCommand):
    help = "Prices: a quote from the price list in force; load and put in force price lists."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        one = commands.add_parser(
            "quote",
            help="an itemized price for a plan, users, servers and add-ons",
            epilog=_add_on_help(),
            formatter_class=RawDescriptionHelpFormatter,
        )
        one.add_argument("--plan", required=True, help=f"one of: {', '.join(PLANS)}")
        one.add_argument("--users", required=True, type=int)
        one.add_argument("--servers", required=True, type=int, help="CTS servers")
        one.add_argument("--fault-tolerance", action="store_true")
        one.add_argument(
            "--addon",
            action="append",
            default=[],
            metavar="CODE[=QUANTITY]",
            help="repeat for each add-on; QUANTITY for per-visit and per-hour add-ons",
        )
        one.add_argument("--period-start", default=None, help="YYYY-MM-DD, default today")
        one.add_argument("--months", type=int, default=12, help="the term, default 12")
        one.add_argument("--without-vat", action="store_true", help="without VAT (без НДС)")
        one.add_argument("--json", action="store_true")
        load = commands.add_parser("load", help="load a JSON price list as a draft")
        load.add_argument("file")
        load.add_argument("--as", dest="actor", required=True, help="a support lead's username")
        force = commands.add_parser("in-force", help="put a draft in force")
        force.add_argument("version")
        force.add_argument("--as", dest="actor", required=True, help="a support lead's username")
        show = commands.add_parser("show", help="a price list as JSON (the format load reads)")
        show.add_argument("version", nargs="?", help="default: the list in force")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with translation.override("en"):  # scripts read the same words whatever the site
                getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DatabaseError as error:
            raise CommandError(f"database not ready ({error}); run: supportdesk migrate") from None

    def _quote(self, options: dict[str, Any]) -> None:
        add_ons: dict[str, int] = {}
        for text in options["addon"]:
            match = ADDON.match(text)
            if match is None:
                raise CommandError(f"--addon {text!r} is not CODE or CODE=QUANTITY")
            code, quantity = match[1], int(match[2] or 1)
            if code in add_ons:
                raise CommandError(f"--addon {code} is given twice")
            add_ons[code] = quantity
        today = timezone.localdate(timezone.now())
        start = today
        if options["period_start"] is not None:
            try:
                start = date.fromisoformat(options["period_start"])
            except ValueError:
                raise CommandError(
                    f"--period-start {options['period_start']!r} is not a date (YYYY-MM-DD)"
                ) from None
        try:
            row, data = reads.in_force(today)
        except reads.NoPriceList as error:
            raise CommandError(str(error)) from None
        inputs = Inputs(
            plan=options["plan"],
            users=options["users"],
            servers=options["servers"],
            period_start=start,
            months=options["months"],
            fault_tolerance=options["fault_tolerance"],
            add_ons=add_ons,
            with_vat=not options["without_vat"],
        )
        try:
            result = quote(inputs, data)
        except InputError as error:
            raise CommandError(str(error)) from None
        payload = as_json(result)
        text = "\n".join(
            [
                *(f"{line['text']}: {line['net']}" for line in payload["lines"]),
                f"net {payload['net']} {payload['currency']}, VAT {payload['vat']}, "
                f"gross {payload['gross']} (price list {row.version}"
                + (", ILLUSTRATIVE)" if row.illustrative else ")"),
            ]
        )
        self.emit(payload, as_json=options["json"], text=text)

    def _lead(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user

    def _load(self, options: dict[str, Any]) -> None:
        try:
            document = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{options['file']}: {error}") from None
        try:
            row = actions.load_draft(
                actor=self._lead(options["actor"]), document=document, now=timezone.now()
            )
        except (actions.PriceListRefused, ActionDenied) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"price list {row.version}: draft")

    def _in_force(self, options: dict[str, Any]) -> None:
        row = PriceList.objects.filter(version=options["version"]).first()
        if row is None:
            raise CommandError(f"no price list {options['version']!r}")
        try:
            actions.put_in_force(
                actor=self._lead(options["actor"]), price_list=row, now=timezone.now()
            )
        except (actions.PriceListRefused, ActionDenied) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"price list {row.version}: in force")

    def _show(self, options: dict[str, Any]) -> None:
        if options["version"]:
            row = PriceList.objects.filter(version=options["version"]).first()
            if row is None:
                raise CommandError(f"no price list {options['version']!r}")
        else:
            try:
                row, _data = reads.in_force(timezone.localdate(timezone.now()))
            except reads.NoPriceList as error:
                raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(row.document(), ensure_ascii=False, indent=2))
