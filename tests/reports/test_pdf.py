"""The PDF form: typeset from data, Cyrillic embedded, reproducible."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import pypdf

from supportdesk.reports.pdf import render_pdf
from tests.reports.samples import MARKUP_SUBJECT, sample_report


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts(pdf: bytes) -> dict[str, bool]:
    """Every font the PDF uses: its base name -> whether the font program is embedded."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found: dict[str, bool] = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = "/FontFile2" in descriptor or "/FontFile3" in descriptor
    return found


def test_a_subject_full_of_typst_markup_prints_literally():
    pdf = render_pdf(sample_report(subject=MARKUP_SUBJECT), language="ru")

    assert pdf.startswith(b"%PDF-")
    # The excluded list's subject column is wide enough to keep the subject on one line.
    assert MARKUP_SUBJECT in _text(pdf)


def test_russian_text_is_set_in_an_embedded_font_with_cyrillic():
    pdf = render_pdf(sample_report(), language="ru")

    text = _text(pdf)
    assert "Отчёт о качестве SLA" in text
    assert "ООО «Ромашка»" in text
    assert "2026-03-09 Международный женский день (перенос)" in text
    fonts = _fonts(pdf)
    assert fonts
    assert all(fonts.values()), fonts
    assert all("DejaVuSans" in name for name in fonts), fonts


def test_header_names_the_contract_period_calendar_and_times():
    pdf = render_pdf(sample_report(draft=True), language="en")

    text = " ".join(_text(pdf).split())
    assert "Contract 2026-017" in text
    assert "Period 2026-03" in text
    assert "Time zone Europe/Moscow" in text
    assert "ru-support (Europe/Moscow, revision 3/2026.1)" in text
    assert "draft: the official production calendar is not published yet" in text
    assert "Policy versions 8x5 v1" in text
    assert "Data cut-off 2026-04-01 00:00 +0300" in text
    assert "Generated at 2026-04-01 09:00 +0300" in text
    assert "A clock counts in the period in which it stopped" in text
    assert "Reaction 33 31 2 93.94 %" in text


def test_a_breach_shows_target_actual_overrun_and_its_timeline():
    pdf = render_pdf(sample_report(breaches=1), language="en")

    text = " ".join(_text(pdf).split())
    assert "SD-1000" in text
    assert "4:00:00 2026-03-02 14:00 +0300 2026-03-02 14:25 +0300 4:25:00 0:25:00" in text
    assert "waiting for the customer" in text
    assert "P3 → P2 (service degraded)" in text


def test_the_same_report_gives_the_same_bytes():
    report = sample_report()

    assert render_pdf(report, language="ru") == render_pdf(report, language="ru")
    assert render_pdf(report, language="ru") != render_pdf(report, language="en")


def test_a_report_generated_at_any_instant_typesets():
    """A report built by the command or a page carries ``now`` to the microsecond; the
    PDF's creation date keeps the whole seconds (Typst refuses microseconds)."""
    report = sample_report()
    report = replace(report, generated_at=report.generated_at.replace(microsecond=123456))
    assert render_pdf(report, language="en").startswith(b"%PDF")
