"""The SLA report (a month's, a quarter's or a year's) as one JSON object: the ``report
sla --format json`` contract, which the web and API forms reuse. Shares and the target
are decimal strings ("0.90", "0.9412"; null when nothing counted), durations whole
seconds, instants ISO 8601 in UTC."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from supportdesk.reports.figures import Breach, ClockFigures, EntitlementFigures, SlaReport
from supportdesk.reports.sla_report import COUNTING_RULE
from supportdesk.tickets import reasons
from supportdesk.tickets.models import reference_of


def _reason(stored: str) -> dict[str, str | None]:
    """A priority step's reason: the text in the active language (as the page and the PDF
    show it) and, for a reason the system wrote, its code (typed text has none)."""
    decoded = reasons.decode(stored)
    return {"reason": reasons.render(stored), "reason_code": decoded[0] if decoded else None}


def _instant(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _decimal(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def clock_as_json(figures: ClockFigures) -> dict[str, Any]:
    return {
        "total": figures.total,
        "met": figures.met,
        "breached": figures.breached,
        "share": _decimal(figures.share),
        "median_seconds": figures.median_seconds,
        "p90_seconds": figures.p90_seconds,
        "max_seconds": figures.max_seconds,
        "paused_total_seconds": figures.paused_total_seconds,
        "paused_median_seconds": figures.paused_median_seconds,
    }


def breach_as_json(breach: Breach) -> dict[str, Any]:
    return {
        "request": reference_of(breach.request_id),
        "request_id": breach.request_id,
        "subject": breach.subject,
        "clock": breach.clock,
        "priority": breach.priority,
        "target_seconds": breach.target_seconds,
        "due": _instant(breach.due_at),
        "stopped_at": _instant(breach.stopped_at),
        "elapsed_seconds": breach.elapsed_seconds,
        "overrun_seconds": breach.overrun_seconds,
        "priority_history": [
            {"at": _instant(step.at), "from": step.from_priority or None,
             "to": step.to_priority, **_reason(step.reason)}
            for step in breach.priority_history
        ],
        "pauses": [
            {"start": _instant(pause.start), "end": _instant(pause.end),
             "working_seconds": pause.working_seconds, "reason": pause.reason}
            for pause in breach.pauses
        ],
        "timeline": [
            {"at": _instant(entry.at), "event": entry.event,
             "target_seconds": entry.target_seconds, "calendar": entry.calendar,
             "reason": entry.reason}
            for entry in breach.timeline
        ],
    }  # fmt: skip


def asdict_or_none(figures: EntitlementFigures | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in asdict(figures).items()
    }


def report_as_json(report: SlaReport) -> dict[str, Any]:
    return {
        "contract": report.contract_number,
        "organization": report.organization,
        "plan": report.plan_code,
        "period": report.period.label,  # 2026-11, 2026-Q4 or 2026
        "period_kind": report.period_kind,
        "time_zone": report.time_zone,
        "counting_rule": str(COUNTING_RULE),
        "calendars": [
            {"name": calendar.name, "time_zone": calendar.time_zone,
             "revision": calendar.revision, "draft": calendar.draft,
             "holidays": [{"date": day.isoformat(), "name": name}
                          for day, name in calendar.holidays]}
            for calendar in report.calendars
        ],
        "policy_versions": list(report.policy_versions),
        "cutoff": _instant(report.cutoff),
        "generated_at": _instant(report.generated_at),
        "target": _decimal(report.target),
        "reaction": clock_as_json(report.reaction),
        "resolution": clock_as_json(report.resolution),
        "by_priority": {
            figures.priority: {
                "count": figures.count,
                "reaction": clock_as_json(figures.reaction),
                "resolution": clock_as_json(figures.resolution),
            }
            for figures in report.by_priority
        },
        "breaches": [breach_as_json(breach) for breach in report.breaches],
        "excluded": [
            {"request": reference_of(item.request_id), "request_id": item.request_id,
             "subject": item.subject, "reason": item.reason}
            for item in report.excluded
        ],
        "backlog_at_end": report.backlog_at_end,
        "carried_over": report.carried_over,
        "reopened": report.reopened,
        "reopen_rate": _decimal(report.reopen_rate),
        "entitlements": asdict_or_none(report.entitlements),
        "trend": [
            {"period": f"{point.period_start:%Y-%m}", "requests": point.requests,
             "reaction_share": _decimal(point.reaction_share),
             "resolution_share": _decimal(point.resolution_share)}
            for point in report.trend
        ],
    }  # fmt: skip
