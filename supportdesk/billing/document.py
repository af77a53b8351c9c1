"""A quote as its reader sees it, in the active language: the inputs, every line explained,
the totals and VAT parts, and the rules the prices follow. The quote page, the PDF and the
spreadsheet all show this one object, so they cannot disagree.

An issued quote shows its frozen lines; a draft shows a preview on the list in force
today (nothing is frozen until it is issued)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from supportdesk.billing import reads
from supportdesk.billing.display import PLAN_TITLES, add_on_label, line_text, money, rate, rules
from supportdesk.billing.models import Quote, QuoteStatus
from supportdesk.billing.quotes import frozen_line, inputs_of
from supportdesk.pricing import calculator
from supportdesk.pricing.vat import add_months


@dataclass(frozen=True, slots=True)
class DocumentLine:
    text: str
    quantity: int
    unit_price: Decimal
    net: Decimal
    net_text: str


@dataclass(frozen=True, slots=True)
class Total:
    label: str
    amount: Decimal | None  # None: a row that only says something ("without VAT")
    text: str


@dataclass(frozen=True, slots=True)
class QuoteDocument:
    title: str
    number: str  # empty for a draft
    revision: int
    status: str  # the code as of today (a sent quote past validity reads expired)
    status_label: str
    organization: str
    currency: str
    price_list: str
    illustrative: bool
    issued: bool
    header: list[tuple[str, str]]  # the quote's facts: label, value
    inputs: list[tuple[str, str]]
    lines: list[DocumentLine]
    totals: list[Total]
    rules: list[str]  # the slab rule, the rounding rule, the VAT basis (and the mark)


def _day(day: date | None) -> str:
    return date_format(day, "d.m.Y") if day else "—"


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def inputs_rows(quote: Quote) -> list[tuple[str, str]]:
    inputs = inputs_of(quote)
    end = add_months(inputs.period_start, inputs.months) - date.resolution
    rows = [
        (_("Plan"), PLAN_TITLES.get(inputs.plan, inputs.plan)),
        (_("Users"), str(inputs.users)),
        (_("CTS servers"), str(inputs.servers)),
        (_("Fault tolerance"), _yes(inputs.fault_tolerance)),
        (_("Service period"), f"{_day(inputs.period_start)}–{_day(end)}"),
        (_("Term, months"), str(inputs.months)),
        (_("VAT"), _("with VAT") if inputs.with_vat else _("without VAT")),
    ]
    for code, quantity in inputs.add_ons.items():
        rows.append((_("Add-on"), f"{add_on_label(code)}: {quantity}"))
    return rows


def _issued_lines(quote: Quote, currency: str) -> list[DocumentLine]:
    lines = []
    for stored in quote.lines:
        line = frozen_line(stored)
        net = Decimal(stored["net"])
        lines.append(
            DocumentLine(
                text=line_text(line, currency) if line else stored["text"],
                quantity=stored["quantity"],
                unit_price=Decimal(stored["unit_price"]),
                net=net,
                net_text=money(net, currency),
            )
        )
    return lines


def _totals(
    *,
    net: Decimal,
    vat: Decimal,
    gross: Decimal,
    with_vat: bool,
    parts: list[tuple[date, date, Decimal, Decimal]],
    currency: str,
) -> list[Total]:
    totals = [Total(_("Net"), net, money(net, currency))]
    if not with_vat:
        totals.append(Total(_("Without VAT"), None, "—"))
    elif len(parts) == 1:
        totals.append(
            Total(_("VAT %(rate)s") % {"rate": rate(parts[0][2])}, vat, money(vat, currency))
        )
    else:
        for start, end, part_rate, part_vat in parts:
            label = _("VAT %(rate)s, %(start)s–%(end)s") % {
                "rate": rate(part_rate),
                "start": _day(start),
                "end": _day(end - date.resolution),
            }
            totals.append(Total(label, part_vat, money(part_vat, currency)))
        totals.append(Total(_("VAT"), vat, money(vat, currency)))
    totals.append(Total(pgettext("money", "Total"), gross, money(gross, currency)))
    return totals


def quote_document(quote: Quote, *, today: date) -> QuoteDocument:
    """Raises ``reads.NoPriceList`` for a draft when no list is in force today."""
    status = quote.status_on(today)
    inputs = inputs_of(quote)
    issued = quote.status != QuoteStatus.DRAFT
    if issued and quote.price_list is not None:
        row = quote.price_list
        currency, version, illustrative = row.currency, row.version, quote.illustrative
        lines = _issued_lines(quote, currency)
        parts = [
            (date.fromisoformat(p["from"]), date.fromisoformat(p["to"]), Decimal(p["rate"]),
             Decimal(p["vat"]))
            for p in quote.vat_parts
        ]  # fmt: skip
        net, vat, gross = quote.net or Decimal(0), quote.vat or Decimal(0), quote.gross
    else:
        row, data = reads.in_force(today)
        currency, version, illustrative = row.currency, row.version, row.illustrative
        priced = calculator.quote(inputs, data)
        lines = [
            DocumentLine(line_text(line, currency), line.quantity, line.unit_price, line.net,
                         money(line.net, currency))
            for line in priced.lines
        ]  # fmt: skip
        parts = [(p.start, p.end, p.rate, p.vat) for p in priced.vat_parts]
        net, vat, gross = priced.net, priced.vat, priced.gross
    number = quote.number
    title = (
        _("Commercial offer %(number)s") % {"number": number}
        if number
        else _("Draft commercial offer")
    )
    if quote.revision > 1:
        title += " " + _("(revision %(revision)s)") % {"revision": quote.revision}
    header = [
        (_("Organization"), quote.organization.name),
        (_("Status"), str(QuoteStatus(status).label)),
        (_("Revision"), str(quote.revision)),
        (_("Issued"), _day(quote.issued_at.date()) if quote.issued_at else "—"),
        (_("Valid until"), _day(quote.valid_until)),
        (_("Price list"), version),
    ]
    return QuoteDocument(
        title=title,
        number=number,
        revision=quote.revision,
        status=status,
        status_label=str(QuoteStatus(status).label),
        organization=quote.organization.name,
        currency=currency,
        price_list=version,
        illustrative=illustrative,
        issued=issued,
        header=header,
        inputs=inputs_rows(quote),
        lines=lines,
        totals=_totals(
            net=net,
            vat=vat,
            gross=gross or Decimal(0),
            with_vat=inputs.with_vat,
            parts=parts,
            currency=currency,
        ),
        rules=rules(illustrative=illustrative, version=version, with_vat=inputs.with_vat),
    )


def as_typst_data(document: QuoteDocument, *, language: str) -> dict[str, object]:
    """The JSON the Typst file reads: every value a display string."""
    return {
        "language": language,
        "title": document.title,
        "footer": f"{document.title} · {document.organization}",
        "illustrative": document.illustrative,
        "illustrative_mark": _("Illustrative prices"),
        "header": [list(pair) for pair in document.header],
        "inputs_title": _("Inputs"),
        "inputs": [list(pair) for pair in document.inputs],
        "lines_title": _("Lines"),
        "lines_header": [_("Line"), _("Quantity"), _("Unit price"), _("Net")],
        "lines": [
            [
                line.text,
                str(line.quantity),
                money(line.unit_price, document.currency),
                line.net_text,
            ]
            for line in document.lines
        ],
        "totals": [[total.label, total.text] for total in document.totals],
        "rules_title": _("How the prices are computed"),
        "rules": document.rules,
    }
