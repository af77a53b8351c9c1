"""The quote as a PDF (Typst, the SLA report's engine) and a spreadsheet: downloaded from
the quote page, in Russian by default; they state the illustrative mark, the slab rule,
the rounding rule and the VAT basis; a name that looks like markup or a formula stays text."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import pypdf

from supportdesk.billing import quotes
from supportdesk.billing.models import Quote
from supportdesk.customers.models import Organization
from tests.billing.conftest import NOW
from tests.billing.test_quotes import INPUTS
from tests.tickets.conftest import Desk
from tests.workspace.conftest import browser

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
NAME = '=HYPERLINK("http://evil.example","x") #set page(width: 1cm) *bold* $x$'


def issued(desk: Desk) -> Quote:
    odd = Organization.objects.create(name=NAME, slug="odd")
    quote = quotes.draft_quote(actor=desk.manager, organization=odd, inputs=INPUTS, now=NOW)
    return quotes.issue_quote(actor=desk.manager, quote=quote, now=NOW)


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_in_russian(desk: Desk) -> None:
    quote = issued(desk)
    answer = browser(desk.manager).get(f"/desk/price/quotes/{quote.pk}/pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert 'filename="kp-2026-0001.pdf"' in answer["Content-Disposition"]
    pdf = answer.getvalue()
    assert pdf.startswith(b"%PDF")
    words = pdf_text(pdf)
    assert "Коммерческое предложение КП-2026-0001" in words
    assert NAME in words  # printed as itself, not typeset as markup
    assert "Иллюстративные цены" in words
    assert "каждая единица — по цене своей ступени, поэтому итог не уменьшается" in words
    assert "Каждая строка округляется до копеек по правилу «половина вверх»" in words
    assert "НДС определяется периодом обслуживания, а не датой предложения" in words
    assert "Выездная поддержка: 2 × 60 000,00 ₽ за выезд" in words
    assert "НДС 22 % 829 400,00 ₽" in words
    assert "Итого 4 599 400,00 ₽" in words
    # the same quote gives the same bytes (made on demand, never stored)
    again = browser(desk.manager).get(f"/desk/price/quotes/{quote.pk}/pdf")
    assert again.getvalue() == pdf


def test_the_pdf_in_english(desk: Desk) -> None:
    quote = issued(desk)
    client = browser(desk.manager)
    client.cookies["django_language"] = "en"
    answer = client.get(f"/desk/price/quotes/{quote.pk}/pdf")
    words = pdf_text(answer.getvalue())
    assert "Commercial offer КП-2026-0001" in words
    assert "so a total never falls as users grow" in words


def _cells(book: zipfile.ZipFile) -> dict[str, ElementTree.Element]:
    root = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314
    return {c.get("r", ""): c for c in root.iterfind("m:sheetData/m:row/m:c", NS)}


def _text(cell: ElementTree.Element) -> str:
    return " ".join("".join(t.text or "" for t in cell.iterfind("m:is/m:t", NS)).split())


def test_the_spreadsheet_holds_the_same_lines(desk: Desk) -> None:
    quote = issued(desk)
    answer = browser(desk.manager).get(f"/desk/price/quotes/{quote.pk}/xlsx")
    assert answer.status_code == 200
    assert 'filename="kp-2026-0001.xlsx"' in answer["Content-Disposition"]
    book = zipfile.ZipFile(io.BytesIO(answer.getvalue()))
    cells = _cells(book)
    texts = {ref: _text(cell) for ref, cell in cells.items() if cell.get("t") == "inlineStr"}
    assert texts["A1"] == "Коммерческое предложение КП-2026-0001"
    assert texts["A2"] == "Иллюстративные цены"
    organization = next(ref for ref, value in texts.items() if value == NAME)
    assert cells[organization].find("m:f", NS) is None  # a string, not a formula
    header = next(int(re.sub(r"\D", "", ref)) for ref, v in texts.items() if v == "Позиция")
    rows = []
    for row in range(header + 1, header + 1 + len(quote.lines)):
        rows.append((
            texts[f"A{row}"],
            *(float(cells[f"{col}{row}"].findtext("m:v", namespaces=NS) or "") for col in "BCD"),
        ))  # fmt: skip
    assert [(r[1], r[3]) for r in rows] == [
        (line["quantity"], float(line["net"])) for line in quote.lines
    ]
    assert rows[-1] == ("Выездная поддержка: 2 × 60 000,00 ₽ за выезд", 2.0, 60000.0, 120000.0)
    total_row = header + len(quote.lines) + 3  # net, VAT, total
    assert texts[f"A{total_row}"] == "Итого"
    assert float(cells[f"D{total_row}"].findtext("m:v", namespaces=NS) or "") == 4599400.0


def test_a_draft_has_no_files(desk: Desk) -> None:
    quote = quotes.draft_quote(actor=desk.manager, organization=desk.alfa, inputs=INPUTS, now=NOW)
    client = browser(desk.manager)
    assert client.get(f"/desk/price/quotes/{quote.pk}/pdf").status_code == 404
    assert client.get(f"/desk/price/quotes/{quote.pk}/xlsx").status_code == 404
