"""The spreadsheet form: user text as strings (never formulas), the five sheets."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from supportdesk.reports.xlsx import write_xlsx
from tests.reports.samples import MARKUP_SUBJECT, sample_report

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _workbook(report, language: str = "en") -> zipfile.ZipFile:
    buffer = io.BytesIO()
    write_xlsx(report, buffer, language=language)
    return zipfile.ZipFile(buffer)


def _sheet_names(book: zipfile.ZipFile) -> list[str]:
    root = ElementTree.fromstring(book.read("xl/workbook.xml"))  # noqa: S314 (our own output)
    return [s.get("name", "") for s in root.iterfind("m:sheets/m:sheet", NS)]


def _cells(book: zipfile.ZipFile, number: int) -> dict[str, ElementTree.Element]:
    root = ElementTree.fromstring(  # noqa: S314 (our own output)
        book.read(f"xl/worksheets/sheet{number}.xml")
    )
    return {c.get("r", ""): c for c in root.iterfind("m:sheetData/m:row/m:c", NS)}


def _inline_text(cell: ElementTree.Element) -> str:
    return "".join(t.text or "" for t in cell.iterfind("m:is/m:t", NS))


def _seconds(cell: ElementTree.Element) -> int:
    return round(float(cell.findtext("m:v", namespaces=NS) or "") * 86400)


def test_five_sheets_in_the_readers_language():
    assert _sheet_names(_workbook(sample_report(), "en")) == [
        "Summary",
        "By priority",
        "Breaches",
        "Excluded requests",
        "Trend over the last 12 months",
    ]
    assert _sheet_names(_workbook(sample_report(), "ru"))[0] == "Сводка"


def test_a_subject_starting_with_equals_is_a_string_not_a_formula():
    subject = '=HYPERLINK("http://evil.example","click")' + MARKUP_SUBJECT
    book = _workbook(sample_report(breaches=1, subject=subject))

    breaches = _cells(book, 3)
    assert breaches["B2"].get("t") == "inlineStr"
    assert _inline_text(breaches["B2"]) == subject
    excluded = _cells(book, 4)
    assert _inline_text(excluded["B2"]) == subject
    for name in book.namelist():
        if name.startswith("xl/worksheets/"):
            assert not re.search(rb"<f[ >]", book.read(name)), name


def test_breach_row_holds_numbers_and_instants_on_the_reports_wall_clock():
    book = _workbook(sample_report(breaches=1))

    row = _cells(book, 3)
    assert _inline_text(row["A2"]) == "SD-1000"
    assert _inline_text(row["C2"]) == "Reaction"
    # Durations are fractions of a day, instants Excel serial dates (days since 1899-12-30).
    assert _seconds(row["E2"]) == 4 * 3600
    assert _seconds(row["F2"]) == (46083 * 24 + 14) * 3600  # 2026-03-02 14:00 in Moscow
    assert _seconds(row["I2"]) == 25 * 60
    assert "waiting for the customer" in _inline_text(row["L2"])


def test_summary_shares_are_numbers():
    summary = _cells(_workbook(sample_report()), 1)

    values = {
        _inline_text(summary[f"A{n}"]): summary.get(f"B{n}")
        for n in range(1, 40)
        if f"A{n}" in summary
    }
    target = values["Target"]
    assert target is not None
    assert target.findtext("m:v", namespaces=NS) == "0.9"
