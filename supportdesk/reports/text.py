"""The words and number formats every rendered form of the SLA report shares (PDF,
spreadsheet, web page), so the three say the same thing in the reader's language.

Call the functions inside ``translation.override(language)``: the labels are looked up
when called, not at import."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from supportdesk.reports.figures import Breach, CalendarInfo, SlaReport
from supportdesk.reports.sla_report import COUNTING_RULE
from supportdesk.tickets.reasons import render as render_reason


def counting_rule() -> str:
    """The rule printed on every form (``sla_report.COUNTING_RULE``) and how times read."""
    return f"{COUNTING_RULE} " + _(
        "Times are working time on each clock's own calendar; p90 is the nearest rank."
    )


def labels() -> dict[str, str]:
    """Every fixed text of the report, by key."""
    return {
        "title": _("SLA quality report"),
        "contract": _("Contract"),
        "organization": _("Organization"),
        "plan": _("Plan"),
        "period": _("Period"),
        "time_zone": _("Time zone"),
        "calendars": _("Calendars"),
        "holidays": _("Holidays in the period"),
        "no_holidays": _("none"),
        "draft": _("draft: the official production calendar is not published yet"),
        "policy_versions": _("Policy versions"),
        "cutoff": _("Data cut-off"),
        "generated_at": _("Generated at"),
        "counting_rule": _("Counting rule"),
        "summary": _("Share within SLA"),
        "target": _("Target"),
        "clock": _("Clock"),
        "reaction": _("Reaction"),
        "resolution": _("Resolution"),
        "total": _("Counted"),
        "met": _("Met"),
        "breached": _("Breached"),
        "share": _("Share"),
        "by_priority": _("By priority"),
        "priority": _("Priority"),
        "count": _("Requests"),
        "median": _("Median"),
        "p90": _("p90"),
        "max": _("Maximum"),
        "paused_total": _("Paused, total"),
        "paused_median": _("Paused, median"),
        "breaches": _("Breaches"),
        "no_breaches": _("No breaches in the period."),
        "request": _("Request"),
        "subject": _("Subject"),
        "priority_history": _("Priority history"),
        "due": _("Due"),
        "stopped_at": _("Stopped at"),
        "still_running": _("still running"),
        "elapsed": _("Actual"),
        "overrun": _("Overrun"),
        "pauses": _("Pauses"),
        "timeline": _("Clock timeline"),
        "excluded": _("Excluded requests"),
        "no_excluded": _("No requests were excluded."),
        "reason": _("Reason"),
        "backlog": _("Backlog and reopening"),
        "backlog_at_end": _("Open at the period's end"),
        "carried_over": _("Carried over (open at the start and at the end)"),
        "reopened": _("Reopened in the period"),
        "reopen_rate": _("Reopen rate"),
        "trend": _("Trend over the last 12 months"),
        "month": _("Month"),
        "requests": _("Requests registered"),
        "share_by_priority": _("Share within SLA by priority"),
        "entitlements": _("Entitlement use"),
        "no_entitlements": _("Not recorded yet."),
        "durations_note": _("Durations are hours:minutes:seconds of working time."),
        "not_applicable": "—",
    }


def event_labels() -> dict[str, str]:
    """The stored clock events' names for the reader (looked up once per rendering: a
    breach list may hold 100,000 timelines)."""
    return {
        "start": _("started"),
        "pause": _("paused"),
        "resume": _("resumed"),
        "stop": _("stopped"),
        "target": _("target changed"),
    }


def clock_labels() -> dict[str, str]:
    return {"reaction": _("Reaction"), "resolution": _("Resolution")}


def duration(seconds: int | None) -> str:
    """Working time as h:mm:ss; hours are not wrapped into days (a working day is not 24 h)."""
    if seconds is None:
        return "—"
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}"


def share(value: Decimal | None) -> str:
    """0.9412 -> "94.12 %"; None (nothing counted) -> "—"."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.01'))} %"


def local(at: datetime | None, zone: str) -> str:
    """An instant on the report's wall clock, with the offset so it is unambiguous."""
    if at is None:
        return "—"
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %z")


def entitlements(report: SlaReport) -> str:
    """The entitlement section in one line: hours used and left (1x and 2x parts), visits."""
    figures = report.entitlements
    if figures is None:
        return str(_("Not recorded yet."))
    return _(
        "Administration hours %(start)s-%(end)s: %(used)s used of %(available)s, %(left)s left "
        "(in business hours, 1x: %(in)s; outside, 2x: %(off)s, charged %(off_charged)s). "
        "On-site visits this quarter: %(visits_used)s used, %(visits_left)s left."
    ) % {
        "start": f"{figures.year_start:%d.%m.%Y}",
        "end": f"{figures.year_end - timedelta(days=1):%d.%m.%Y}",
        "used": duration(figures.hours_used_seconds),
        "available": duration(figures.hours_available_seconds),
        "left": duration(figures.hours_left_seconds),
        "in": duration(figures.in_hours_seconds),
        "off": duration(figures.off_hours_seconds),
        "off_charged": duration(figures.off_hours_charged_seconds),
        "visits_used": figures.visits_used,
        "visits_left": figures.visits_left,
    }


def period(report: SlaReport) -> str:
    """The period as written everywhere: 2026-11, 2026-Q4 or 2026."""
    return report.period.label


def calendar_line(calendar: CalendarInfo) -> str:
    line = f"{calendar.name} ({calendar.time_zone}, {_('revision')} {calendar.revision})"
    if calendar.draft:
        line += " — " + labels()["draft"]
    return line


# -- a breach's details, one line each (the PDF joins them with line breaks, the
# spreadsheet with "; ", the page lists them) ------------------------------------------------


def history_lines(breach: Breach, zone: str) -> list[str]:
    return [
        f"{local(s.at, zone)}: {s.from_priority or '∅'} → {s.to_priority}"
        + (f" ({render_reason(s.reason)})" if s.reason else "")
        for s in breach.priority_history
    ]


def pause_lines(breach: Breach, zone: str) -> list[str]:
    return [
        f"{local(p.start, zone)} – {local(p.end, zone)} ({duration(p.working_seconds)})"
        + (f": {render_reason(p.reason)}" if p.reason else "")
        for p in breach.pauses
    ]


def timeline_lines(breach: Breach, zone: str, events: dict[str, str]) -> list[str]:
    """``events``: ``event_labels()``, looked up once by the caller."""
    return [
        f"{local(e.at, zone)} {events.get(e.event, e.event)}"
        + (f" {duration(e.target_seconds)}" if e.target_seconds is not None else "")
        + (f" {e.calendar}" if e.calendar else "")
        + (f" ({render_reason(e.reason)})" if e.reason else "")
        for e in breach.timeline
    ]
