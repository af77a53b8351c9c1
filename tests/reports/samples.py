"""SlaReport values for the renderers' tests: the forms read only these dataclasses, so a
test builds one by hand with the figures it then looks for."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from supportdesk.reports.figures import (
    TARGET_SHARE,
    Breach,
    CalendarInfo,
    ClockFigures,
    Excluded,
    Pause,
    PriorityFigures,
    PriorityStep,
    SlaReport,
    TimelineEntry,
    TrendPoint,
)

MARKUP_SUBJECT = r"Сбой #set text(red) $x^2$ *жирный* ] \ [#panic()] =SUM(A1)"


def clock(total: int, met: int, *, median: int = 3600, paused: int = 0) -> ClockFigures:
    share = (Decimal(met) / Decimal(total)).quantize(Decimal("0.0001")) if total else None
    return ClockFigures(
        total=total,
        met=met,
        breached=total - met,
        share=share,
        median_seconds=median if total else None,
        p90_seconds=median * 2 if total else None,
        max_seconds=median * 3 if total else None,
        paused_total_seconds=paused,
        paused_median_seconds=paused // 2 if total else None,
    )


def breach(n: int, *, subject: str = "Сервер недоступен", clock_name: str = "reaction") -> Breach:
    start = datetime(2026, 3, 2, 7, 0, tzinfo=UTC) + timedelta(hours=n % 500)
    due = start + timedelta(hours=4)
    stopped = due + timedelta(minutes=25)
    return Breach(
        request_id=1000 + n,
        subject=subject,
        clock=clock_name,
        priority="P2",
        priority_history=(
            PriorityStep(at=start, from_priority="", to_priority="P3", reason="rule 1"),
            PriorityStep(
                at=start + timedelta(minutes=30),
                from_priority="P3",
                to_priority="P2",
                reason="service degraded",
            ),
        ),
        target_seconds=4 * 3600,
        due_at=due,
        stopped_at=stopped,
        elapsed_seconds=4 * 3600 + 25 * 60,
        overrun_seconds=25 * 60,
        pauses=(
            Pause(
                start=start + timedelta(hours=1),
                end=start + timedelta(hours=2),
                working_seconds=3600,
                reason="waiting for the customer",
            ),
        ),
        timeline=(
            TimelineEntry(
                at=start, event="start", target_seconds=8 * 3600, calendar="ru-support", reason=""
            ),
            TimelineEntry(
                at=start + timedelta(minutes=30),
                event="target",
                target_seconds=4 * 3600,
                calendar="ru-support",
                reason="P3 → P2",
            ),
            TimelineEntry(at=stopped, event="stop", target_seconds=None, calendar=None, reason=""),
        ),
    )


def sample_report(
    *, breaches: int = 2, subject: str = "Сервер недоступен", draft: bool = False
) -> SlaReport:
    rows = tuple(
        breach(n, subject=subject, clock_name="reaction" if n % 2 == 0 else "resolution")
        for n in range(breaches)
    )
    by_priority = tuple(
        PriorityFigures(
            priority=p,
            count=count,
            reaction=clock(count, count - lost),
            resolution=clock(count, count - lost, median=7200, paused=1800),
        )
        for p, count, lost in (("P1", 3, 0), ("P2", 10, 1), ("P3", 20, 1), ("P4", 0, 0))
    )
    return SlaReport(
        contract_number="2026-017",
        organization="ООО «Ромашка»",
        plan_code="8x5",
        plan_title="Стандарт 8x5",
        period_start=date(2026, 3, 1),
        period_end=date(2026, 4, 1),
        time_zone="Europe/Moscow",
        calendars=(
            CalendarInfo(
                name="ru-support",
                time_zone="Europe/Moscow",
                revision="3/2026.1",
                holidays=((date(2026, 3, 9), "Международный женский день (перенос)"),),
                draft=draft,
            ),
        ),
        policy_versions=("8x5 v1",),
        cutoff=datetime(2026, 3, 31, 21, 0, tzinfo=UTC),
        generated_at=datetime(2026, 4, 1, 6, 0, tzinfo=UTC),
        target=TARGET_SHARE,
        reaction=clock(33, 31),
        resolution=clock(33, 31, median=7200, paused=5400),
        by_priority=by_priority,
        breaches=rows,
        excluded=(Excluded(request_id=999, subject=subject, reason="duplicate of SD-998"),),
        backlog_at_end=4,
        carried_over=1,
        reopened=2,
        reopen_rate=Decimal("0.0606"),
        trend=tuple(
            TrendPoint(
                period_start=date(2025 + (m + 3) // 12, (m + 3) % 12 + 1, 1),
                requests=20 + m,
                reaction_share=Decimal("0.9") + Decimal(m) / 200,
                resolution_share=None if m == 0 else Decimal("0.85"),
            )
            for m in range(12)
        ),
    )


def with_breaches(report: SlaReport, count: int) -> SlaReport:
    return replace(report, breaches=tuple(breach(n) for n in range(count)))
