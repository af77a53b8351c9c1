"""The SLA report as a spreadsheet (XlsxWriter). Sheets: summary, by priority, breaches,
excluded, trend. The workbook is written in constant-memory mode (each row goes to disk
as it is written), so 100,000 breaches cost about as much memory as ten.

Every text is written with ``write_string``: a subject that starts with ``=`` stays a
text, never a formula (and the workbook's own string-to-formula and string-to-URL
guessing is off as well). Numbers are numbers: counts, shares as fractions shown in
per cent, durations as Excel durations (``[h]:mm:ss``, hours not wrapped into days),
instants on the report's wall clock (its time zone is in the summary)."""

from __future__ import annotations

from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

import xlsxwriter
from django.utils import translation
from xlsxwriter.worksheet import Worksheet

from supportdesk.reports import text
from supportdesk.reports.figures import ClockFigures, SlaReport
from supportdesk.tickets.models import reference_of

_DAY = 86400


def safe_workbook(file: str | IO[bytes], *, created: datetime) -> xlsxwriter.Workbook:
    """A workbook in which user text stays text: a subject or a name such as
    ``=HYPERLINK(...)`` is never a formula, a link or a number (every sheet of ours writes
    through this). Rows go out as they are written (``constant_memory``)."""
    workbook = xlsxwriter.Workbook(
        file,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    workbook.set_properties({"created": created.replace(tzinfo=None)})
    return workbook


def write_xlsx(report: SlaReport, file: str | IO[bytes], *, language: str) -> None:
    workbook = safe_workbook(file, created=report.generated_at)
    with translation.override(language):
        _Writer(workbook, report).write()
    workbook.close()


class _Writer:
    def __init__(self, workbook: xlsxwriter.Workbook, report: SlaReport) -> None:
        self.workbook = workbook
        self.report = report
        self.zone = ZoneInfo(report.time_zone)
        self.words = text.labels()
        self.events = text.event_labels()
        self.clocks = text.clock_labels()
        self.bold = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.percent = workbook.add_format({"num_format": "0.00%"})
        self.duration_format = workbook.add_format({"num_format": "[h]:mm:ss"})
        self.instant = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})

    def write(self) -> None:
        self.summary(self.workbook.add_worksheet(self.sheet_name(_summary_title())))
        self.priorities(self.workbook.add_worksheet(self.sheet_name(self.words["by_priority"])))
        self.breaches(self.workbook.add_worksheet(self.sheet_name(self.words["breaches"])))
        self.excluded(self.workbook.add_worksheet(self.sheet_name(self.words["excluded"])))
        self.trend(self.workbook.add_worksheet(self.sheet_name(self.words["trend"])))

    @staticmethod
    def sheet_name(name: str) -> str:
        return name[:31]  # Excel's limit

    # cells --------------------------------------------------------------------------------
    def header(self, sheet: Worksheet, row: int, names: list[str]) -> None:
        for col, name in enumerate(names):
            sheet.write_string(row, col, name, self.bold)

    def string(self, sheet: Worksheet, row: int, col: int, value: str, fmt: Any = None) -> None:
        sheet.write_string(row, col, value, fmt)

    def number(self, sheet: Worksheet, row: int, col: int, value: float | int | None) -> None:
        if value is None:
            sheet.write_blank(row, col, None)
        else:
            sheet.write_number(row, col, value)

    def share(self, sheet: Worksheet, row: int, col: int, value: object) -> None:
        if value is None:
            sheet.write_blank(row, col, None, self.percent)
        else:
            sheet.write_number(row, col, float(str(value)), self.percent)

    def duration(self, sheet: Worksheet, row: int, col: int, seconds: int | None) -> None:
        if seconds is None:
            sheet.write_blank(row, col, None, self.duration_format)
        else:
            sheet.write_number(row, col, seconds / _DAY, self.duration_format)

    def at(self, sheet: Worksheet, row: int, col: int, value: datetime | None) -> None:
        if value is None:
            sheet.write_blank(row, col, None, self.instant)
        else:
            local = value.astimezone(self.zone).replace(tzinfo=None)
            sheet.write_datetime(row, col, local, self.instant)

    def clock_columns(self) -> list[str]:
        words = self.words
        return [
            words["total"],
            words["met"],
            words["breached"],
            words["share"],
            words["median"],
            words["p90"],
            words["max"],
            words["paused_total"],
            words["paused_median"],
        ]

    def clock(self, sheet: Worksheet, row: int, col: int, figures: ClockFigures) -> None:
        self.number(sheet, row, col, figures.total)
        self.number(sheet, row, col + 1, figures.met)
        self.number(sheet, row, col + 2, figures.breached)
        self.share(sheet, row, col + 3, figures.share)
        self.duration(sheet, row, col + 4, figures.median_seconds)
        self.duration(sheet, row, col + 5, figures.p90_seconds)
        self.duration(sheet, row, col + 6, figures.max_seconds)
        self.duration(sheet, row, col + 7, figures.paused_total_seconds)
        self.duration(sheet, row, col + 8, figures.paused_median_seconds)

    # sheets -------------------------------------------------------------------------------
    def summary(self, sheet: Worksheet) -> None:
        report, words = self.report, self.words
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 9, 14)
        self.string(sheet, 0, 0, words["title"], self.bold)
        rows: list[tuple[str, str]] = [
            (words["contract"], report.contract_number),
            (words["organization"], report.organization),
            (words["plan"], f"{report.plan_title} ({report.plan_code})"),
            (words["period"], text.period(report)),
            (words["time_zone"], report.time_zone),
            *((words["calendars"], text.calendar_line(c)) for c in report.calendars),
            *(
                (words["holidays"], f"{day:%Y-%m-%d} {name}")
                for c in report.calendars
                for day, name in c.holidays
            ),
            (words["policy_versions"], ", ".join(report.policy_versions)),
            (words["cutoff"], text.local(report.cutoff, report.time_zone)),
            (words["generated_at"], text.local(report.generated_at, report.time_zone)),
            (words["counting_rule"], text.counting_rule()),
            (words["entitlements"], text.entitlements(report)),
        ]
        row = 2
        for name, value in rows:
            self.string(sheet, row, 0, name, self.bold)
            self.string(sheet, row, 1, value)
            row += 1
        self.string(sheet, row, 0, words["target"], self.bold)
        self.share(sheet, row, 1, report.target)
        row += 2
        self.header(sheet, row, [words["clock"], *self.clock_columns()])
        for name, figures in (
            (words["reaction"], report.reaction),
            (words["resolution"], report.resolution),
        ):
            row += 1
            self.string(sheet, row, 0, name)
            self.clock(sheet, row, 1, figures)
        row += 2
        for name, count in (
            (words["backlog_at_end"], report.backlog_at_end),
            (words["carried_over"], report.carried_over),
            (words["reopened"], report.reopened),
        ):
            self.string(sheet, row, 0, name, self.bold)
            self.number(sheet, row, 1, count)
            row += 1
        self.string(sheet, row, 0, words["reopen_rate"], self.bold)
        self.share(sheet, row, 1, report.reopen_rate)

    def priorities(self, sheet: Worksheet) -> None:
        words = self.words
        self.header(
            sheet, 0, [words["priority"], words["count"], words["clock"], *self.clock_columns()]
        )
        row = 0
        for p in self.report.by_priority:
            for name, figures in (
                (words["reaction"], p.reaction),
                (words["resolution"], p.resolution),
            ):
                row += 1
                self.string(sheet, row, 0, p.priority)
                self.number(sheet, row, 1, p.count)
                self.string(sheet, row, 2, name)
                self.clock(sheet, row, 3, figures)

    def breaches(self, sheet: Worksheet) -> None:
        words, zone = self.words, self.report.time_zone
        sheet.set_column(1, 1, 40)
        sheet.set_column(5, 6, 17)
        sheet.set_column(10, 12, 50)
        self.header(
            sheet,
            0,
            [
                words["request"],
                words["subject"],
                words["clock"],
                words["priority"],
                words["target"],
                words["due"],
                words["stopped_at"],
                words["elapsed"],
                words["overrun"],
                words["pauses"] + ", " + words["paused_total"].lower(),
                words["priority_history"],
                words["pauses"],
                words["timeline"],
            ],
        )
        for row, b in enumerate(self.report.breaches, start=1):
            self.string(sheet, row, 0, reference_of(b.request_id))
            self.string(sheet, row, 1, b.subject)
            self.string(sheet, row, 2, self.clocks[b.clock])
            self.string(sheet, row, 3, b.priority)
            self.duration(sheet, row, 4, b.target_seconds)
            self.at(sheet, row, 5, b.due_at)
            if b.stopped_at is None:
                self.string(sheet, row, 6, words["still_running"])
            else:
                self.at(sheet, row, 6, b.stopped_at)
            self.duration(sheet, row, 7, b.elapsed_seconds)
            self.duration(sheet, row, 8, b.overrun_seconds)
            self.duration(sheet, row, 9, sum(p.working_seconds for p in b.pauses))
            self.string(sheet, row, 10, "; ".join(text.history_lines(b, zone)))
            self.string(sheet, row, 11, "; ".join(text.pause_lines(b, zone)))
            self.string(sheet, row, 12, "; ".join(text.timeline_lines(b, zone, self.events)))

    def excluded(self, sheet: Worksheet) -> None:
        words = self.words
        sheet.set_column(1, 2, 50)
        self.header(sheet, 0, [words["request"], words["subject"], words["reason"]])
        for row, e in enumerate(self.report.excluded, start=1):
            self.string(sheet, row, 0, reference_of(e.request_id))
            self.string(sheet, row, 1, e.subject)
            self.string(sheet, row, 2, e.reason)

    def trend(self, sheet: Worksheet) -> None:
        words = self.words
        self.header(
            sheet, 0, [words["month"], words["requests"], words["reaction"], words["resolution"]]
        )
        for row, t in enumerate(self.report.trend, start=1):
            self.string(sheet, row, 0, f"{t.period_start:%Y-%m}")
            self.number(sheet, row, 1, t.requests)
            self.share(sheet, row, 2, t.reaction_share)
            self.share(sheet, row, 3, t.resolution_share)


def _summary_title() -> str:
    return translation.pgettext("report sheet", "Summary")
