"""A quote as files: the PDF (Typst, through the SLA report's engine: ``reports.typeset``)
and the spreadsheet (XlsxWriter). Both are made on demand from the frozen quote and never
stored: an issued quote's lines, totals and number do not change, and the PDF's creation
time is the issue time, so the same quote in the same language gives the same bytes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.billing.document import QuoteDocument, as_typst_data
from supportdesk.reports.typeset import font_dir, typeset
from supportdesk.reports.xlsx import safe_workbook

TEMPLATE = Path(__file__).parent / "typst" / "quote.typ"


def render_pdf(document: QuoteDocument, *, language: str, issued_at: datetime) -> bytes:
    """``document`` built under ``language`` (the caller's ``translation.override``)."""
    with translation.override(language):
        data = as_typst_data(document, language=language)
    return typeset(
        template=TEMPLATE,
        font_dir=font_dir(),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        timestamp=issued_at.replace(microsecond=0),  # Typst takes whole seconds
        timeout=60,
    )


def write_xlsx(
    document: QuoteDocument, file: str | IO[bytes], *, language: str, issued_at: datetime
) -> None:
    """One sheet: the quote's facts, its inputs, the lines (quantities and amounts as
    numbers), the totals and the rules. Every text through ``write_string``: an
    organization named ``=HYPERLINK(...)`` stays a text."""
    workbook = safe_workbook(file, created=issued_at.replace(microsecond=0))
    with translation.override(language):
        _write(workbook, document)
    workbook.close()


def _write(workbook: Any, document: QuoteDocument) -> None:
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    amount = workbook.add_format({"num_format": "#,##0.00"})
    bold_amount = workbook.add_format({"num_format": "#,##0.00", "bold": True})
    sheet = workbook.add_worksheet(_("Quote")[:31])
    sheet.set_column(0, 0, 70)
    sheet.set_column(1, 3, 16)
    row = 0
    sheet.write_string(row, 0, document.title, bold)
    row += 1
    if document.illustrative:
        sheet.write_string(row, 0, _("Illustrative prices"), bold)
        row += 1
    for label, value in [*document.header, (_("Currency"), document.currency)]:
        sheet.write_string(row, 0, label, bold)
        sheet.write_string(row, 1, value)
        row += 1
    row += 1
    sheet.write_string(row, 0, _("Inputs"), bold)
    row += 1
    for label, value in document.inputs:
        sheet.write_string(row, 0, label)
        sheet.write_string(row, 1, value)
        row += 1
    row += 1
    for col, name in enumerate([_("Line"), _("Quantity"), _("Unit price"), _("Net")]):
        sheet.write_string(row, col, name, bold)
    row += 1
    for line in document.lines:
        sheet.write_string(row, 0, line.text, wrap)
        sheet.write_number(row, 1, line.quantity)
        sheet.write_number(row, 2, float(line.unit_price), amount)
        sheet.write_number(row, 3, float(line.net), amount)
        row += 1
    for total in document.totals:
        sheet.write_string(row, 0, total.label, bold)
        if total.amount is None:
            sheet.write_string(row, 3, total.text)
        else:
            sheet.write_number(row, 3, float(total.amount), bold_amount)
        row += 1
    row += 1
    sheet.write_string(row, 0, _("How the prices are computed"), bold)
    row += 1
    for rule in document.rules:
        sheet.write_string(row, 0, rule, wrap)
        row += 1
