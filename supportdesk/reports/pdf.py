"""The SLA report as PDF, typeset by Typst (the ``typst`` package: a wheel, no system
tools). The markup is a fixed file, ``typst/sla_report.typ``; the report arrives as
data: one JSON document and two SVG charts in ``sys.inputs``. A request's subject is
never pasted into markup, so nothing a customer writes can change the document.

The font is DejaVu Sans (with Cyrillic), the copy matplotlib ships, so the charts and
the text match and the PDF embeds it whatever the machine has; system fonts are ignored,
which also makes the output the same on every machine. The PDF's creation time is the
report's generation time, so the same report gives the same bytes. Typst runs in a
child process (``typeset``), which gives its memory back when it exits."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils import translation

from supportdesk.reports import charts, text
from supportdesk.reports.figures import Breach, ClockFigures, SlaReport
from supportdesk.reports.typeset import font_dir, typeset
from supportdesk.tickets.models import reference_of

TEMPLATE = Path(__file__).parent / "typst" / "sla_report.typ"


def render_pdf(report: SlaReport, *, language: str) -> bytes:
    with translation.override(language):
        data = document_data(report, language=language)
        trend = charts.trend_svg(report).decode()
        priorities = charts.priority_svg(report).decode()
    return typeset(
        template=TEMPLATE,
        font_dir=font_dir(),
        sys_inputs={
            "data": json.dumps(data, ensure_ascii=False),
            "trend_chart": trend,
            "priority_chart": priorities,
        },
        # The document's creation date: Typst takes whole seconds only.
        timestamp=report.generated_at.replace(microsecond=0),
    )


def _clock_row(name: str, figures: ClockFigures) -> list[str]:
    return [
        name,
        str(figures.total),
        str(figures.met),
        str(figures.breached),
        text.share(figures.share),
        text.duration(figures.median_seconds),
        text.duration(figures.p90_seconds),
        text.duration(figures.max_seconds),
        text.duration(figures.paused_total_seconds),
    ]


def _breach_row(
    breach: Breach,
    zone: str,
    words: dict[str, str],
    events: dict[str, str],
) -> list[str]:
    history = "\n".join(text.history_lines(breach, zone))
    pauses = "\n".join(text.pause_lines(breach, zone))
    timeline = "\n".join(text.timeline_lines(breach, zone, events))
    return [
        reference_of(breach.request_id),
        breach.subject,
        words[breach.clock],
        breach.priority + ("\n" + history if history else ""),
        text.duration(breach.target_seconds),
        text.local(breach.due_at, zone),
        text.local(breach.stopped_at, zone) if breach.stopped_at else words["still_running"],
        text.duration(breach.elapsed_seconds),
        text.duration(breach.overrun_seconds),
        pauses or "—",
        timeline,
    ]


def document_data(report: SlaReport, *, language: str) -> dict[str, object]:
    """The report as the JSON the Typst file reads: every value already a display string."""
    words = text.labels()
    events = text.event_labels()
    zone = report.time_zone
    calendars = "\n".join(text.calendar_line(c) for c in report.calendars)
    holidays = "\n".join(
        f"{day:%Y-%m-%d} {name}" for c in report.calendars for day, name in c.holidays
    )
    header = [
        (words["contract"], report.contract_number),
        (words["organization"], report.organization),
        (words["plan"], f"{report.plan_title} ({report.plan_code})"),
        (words["period"], text.period(report)),
        (words["time_zone"], zone),
        (words["calendars"], calendars),
        (words["holidays"], holidays or words["no_holidays"]),
        (words["policy_versions"], ", ".join(report.policy_versions)),
        (words["target"], text.share(report.target)),
        (words["cutoff"], text.local(report.cutoff, zone)),
        (words["generated_at"], text.local(report.generated_at, zone)),
    ]
    clock_header = [
        words["clock"],
        words["total"],
        words["met"],
        words["breached"],
        words["share"],
        words["median"],
        words["p90"],
        words["max"],
        words["paused_total"],
    ]
    priority_rows = []
    for p in report.by_priority:
        for name, figures in ((words["reaction"], p.reaction), (words["resolution"], p.resolution)):
            row = _clock_row(name, figures)
            priority_rows.append(
                [p.priority, str(p.count), *row, text.duration(figures.paused_median_seconds)]
            )
    return {
        "language": language,
        "title": f"{words['title']}: {report.contract_number}, {text.period(report)}",
        "footer": f"{words['title']} · {report.contract_number} · {text.period(report)}",
        "labels": words,
        "header": header,
        "counting_rule": text.counting_rule(),
        "durations_note": words["durations_note"],
        "summary": {
            "header": clock_header,
            "rows": [
                _clock_row(words["reaction"], report.reaction),
                _clock_row(words["resolution"], report.resolution),
            ],
        },
        "priorities": {
            "header": [words["priority"], words["count"], *clock_header, words["paused_median"]],
            "rows": priority_rows,
        },
        "backlog": [
            [words["backlog_at_end"], str(report.backlog_at_end)],
            [words["carried_over"], str(report.carried_over)],
            [words["reopened"], str(report.reopened)],
            [words["reopen_rate"], text.share(report.reopen_rate)],
        ],
        "trend": {
            "header": [words["month"], words["requests"], words["reaction"], words["resolution"]],
            "rows": [
                [
                    f"{t.period_start:%Y-%m}",
                    str(t.requests),
                    text.share(t.reaction_share),
                    text.share(t.resolution_share),
                ]
                for t in report.trend
            ],
        },
        "entitlements": text.entitlements(report),
        "breaches": {
            "header": [
                words["request"],
                words["subject"],
                words["clock"],
                words["priority_history"],
                words["target"],
                words["due"],
                words["stopped_at"],
                words["elapsed"],
                words["overrun"],
                words["pauses"],
                words["timeline"],
            ],
            "rows": [_breach_row(b, zone, words, events) for b in report.breaches],
        },
        "excluded": {
            "header": [words["request"], words["subject"], words["reason"]],
            "rows": [[reference_of(e.request_id), e.subject, e.reason] for e in report.excluded],
        },
    }
