"""What the portal's and the desk's report pages share: the page's context built from the
``SlaReport`` (the same figures as the PDF and the spreadsheet), and the downloads. The
views (``portal/reports.py``, ``workspace/reports.py``) only check who asks and choose
the request links."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import IO
from urllib.parse import quote

from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from supportdesk.contracts.models import Contract
from supportdesk.reports import text
from supportdesk.reports.figures import ClockFigures
from supportdesk.reports.models import ReportFormat, StoredReport
from supportdesk.reports.periods import Period, PeriodKind
from supportdesk.reports.sla_report import build_sla_report
from supportdesk.tickets.models import reference_of

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Breaches shown on one web page. A busy year has thousands, each with its timeline: the
# page shows them a page at a time; the PDF and the spreadsheet hold them all.
BREACHES_PER_PAGE = 250


def breach_page_number(value: str | None) -> int:
    """The ``?breaches=`` page asked for; anything but a positive number is the first."""
    try:
        number = int(value or "1")
    except ValueError:
        return 1
    return max(1, number)


def language() -> str:
    return (get_language() or "ru").split("-")[0]


def _period(period: Period | date) -> Period:
    return period if isinstance(period, Period) else Period.month(period)


def stored_pdf(contract: Contract, period: Period | date, lang: str) -> StoredReport | None:
    """The PDF the monthly run sent for this month in this language, if any (quarters
    and years are built on demand, never stored)."""
    period = _period(period)
    if period.kind is not PeriodKind.MONTH:
        return None
    return StoredReport.objects.filter(
        contract=contract, period_start=period.start, format=ReportFormat.PDF, language=lang
    ).first()


def period_choices(
    contract: Contract, period: Period, *, today: date, report_url: str
) -> list[dict[str, object]]:
    """The chooser on every report page: the year of the shown period, its quarters and
    its months (those the contract has a report for), the shown one marked."""
    from supportdesk.reports.access import is_reportable

    year = Period.year(period.start)
    titles = {"year": _("Year"), "quarter": _("Quarters"), "month": _("Months")}
    rows = [
        [year],
        [Period.quarter(month) for month in year.months[::3]],
        [Period.month(month) for month in year.months],
    ]
    return [
        {
            "title": titles[row[0].kind],
            "periods": [
                {
                    "label": p.label,
                    "url": report_url.format(number=quote(contract.number), month=p.label),
                    "current": p == period,
                }
                for p in row
                if is_reportable(contract, p, today=today)
            ],
        }
        for row in rows
    ]


def page_context(
    contract: Contract,
    period: Period | date,
    *,
    now: datetime,
    request_link: str,
    report_url: str,
    today: date | None = None,
    breach_page: int = 1,
) -> dict[str, object]:
    """``request_link`` is the request page's path with ``{id}`` (the clock timeline);
    ``report_url`` the report page's, with ``{number}`` and ``{month}`` (the period as
    written in URLs: 2026-11, 2026-Q4 or 2026; its downloads and the period chooser)."""
    period = _period(period)
    first = (breach_page - 1) * BREACHES_PER_PAGE
    report = build_sla_report(
        contract, period, now=now, breach_page=slice(first, first + BREACHES_PER_PAGE)
    )
    download = report_url.format(number=quote(contract.number), month=period.label)
    zone = report.time_zone
    events = text.event_labels()
    clocks = text.clock_labels()
    breaches = [
        {
            "reference": reference_of(b.request_id),
            "link": request_link.format(id=b.request_id),
            "subject": b.subject,
            "clock": clocks[b.clock],
            "priority": b.priority,
            "history": text.history_lines(b, zone),
            "target": text.duration(b.target_seconds),
            "due": text.local(b.due_at, zone),
            "stopped": text.local(b.stopped_at, zone) if b.stopped_at else None,
            "elapsed": text.duration(b.elapsed_seconds),
            "overrun": text.duration(b.overrun_seconds),
            "pauses": text.pause_lines(b, zone),
            "timeline": text.timeline_lines(b, zone, events),
        }
        for b in report.breaches
    ]
    stored = stored_pdf(contract, period, language())
    return {
        "report": report,
        "words": text.labels(),
        "month": period.label,
        "periods": period_choices(
            contract, period, today=today or now.date(), report_url=report_url
        ),
        "calendars": [text.calendar_line(c) for c in report.calendars],
        "holidays": [
            f"{day:%Y-%m-%d} {name}" for c in report.calendars for day, name in c.holidays
        ],
        "cutoff": text.local(report.cutoff, zone),
        "generated_at": text.local(report.generated_at, zone),
        "target": text.share(report.target),
        "counting_rule": text.counting_rule(),
        "clocks": [_figures(clocks["reaction"], report.reaction),
                   _figures(clocks["resolution"], report.resolution)],
        "priorities": [
            {"priority": p.priority, "count": p.count,
             "rows": [_figures(clocks["reaction"], p.reaction),
                      _figures(clocks["resolution"], p.resolution)]}
            for p in report.by_priority
        ],
        "trend": [
            {"month": f"{t.period_start:%Y-%m}", "requests": t.requests,
             "reaction": text.share(t.reaction_share),
             "resolution": text.share(t.resolution_share)}
            for t in report.trend
        ],
        "reopen_rate": text.share(report.reopen_rate),
        "entitlements": text.entitlements(report),
        "breaches": breaches,
        "breach_pages": _breach_pages(report.breach_count, breach_page, download),
        "stored": stored,
        "pdf_url": download + "pdf",
        "xlsx_url": download + "xlsx",
    }  # fmt: skip


def _breach_pages(total: int, current: int, page_url: str) -> dict[str, object] | None:
    """The pager under the breaches, when they do not fit on one page."""
    if total <= BREACHES_PER_PAGE:
        return None
    count = -(-total // BREACHES_PER_PAGE)
    first = (current - 1) * BREACHES_PER_PAGE + 1
    return {
        "shown": _(
            "Breaches %(first)s-%(last)s of %(total)s; "
            "the PDF and the spreadsheet hold all of them."
        )
        % {
            "first": min(first, total),
            "last": min(first + BREACHES_PER_PAGE - 1, total),
            "total": total,
        },
        "previous": f"{page_url}?breaches={current - 1}#breaches" if current > 1 else None,
        "next": f"{page_url}?breaches={current + 1}#breaches" if current < count else None,
        "pages": [
            {"number": n, "url": f"{page_url}?breaches={n}#breaches", "current": n == current}
            for n in range(1, count + 1)
        ],
    }


def _figures(name: str, figures: ClockFigures) -> dict[str, object]:
    return {
        "name": name,
        "total": figures.total,
        "met": figures.met,
        "breached": figures.breached,
        "share": text.share(figures.share),
        "median": text.duration(figures.median_seconds),
        "p90": text.duration(figures.p90_seconds),
        "max": text.duration(figures.max_seconds),
        "paused_total": text.duration(figures.paused_total_seconds),
        "paused_median": text.duration(figures.paused_median_seconds),
    }


def _filename(contract: Contract, period: Period | date, extension: str) -> str:
    return f"sla-{slugify(contract.number)}-{_period(period).label}.{extension}"


def pdf_response(contract: Contract, month: Period | date, *, now: datetime) -> FileResponse:
    """The stored PDF when the monthly run sent one in the reader's language (the file
    whose SHA-256 the page shows), else one rendered now from the same data."""
    stored = stored_pdf(contract, month, language())
    handle: IO[bytes]
    if stored is not None:
        try:
            handle = stored.file.open("rb")
        except OSError:
            raise Http404(f"the stored report {stored.pk} is missing") from None
    else:
        from supportdesk.reports.pdf import render_pdf  # matplotlib: not at the URLconf's load

        report = build_sla_report(contract, month, now=now)
        handle = io.BytesIO(render_pdf(report, language=language()))
    return _download(
        FileResponse(
            handle,
            as_attachment=True,
            filename=_filename(contract, month, "pdf"),
            content_type="application/pdf",
        )
    )


def xlsx_response(contract: Contract, month: Period | date, *, now: datetime) -> FileResponse:
    from supportdesk.reports.xlsx import write_xlsx

    report = build_sla_report(contract, month, now=now)
    buffer = io.BytesIO()
    write_xlsx(report, buffer, language=language())
    buffer.seek(0)
    return _download(
        FileResponse(
            buffer,
            as_attachment=True,
            filename=_filename(contract, month, "xlsx"),
            content_type=XLSX_TYPE,
        )
    )


def _download(response: FileResponse) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
