"""The SLA quality report (of a month, a quarter or a year) as plain values: what every
form (JSON, web page, PDF, spreadsheet, e-mail) renders, so all of them show the same figures.

``sla_report.build_sla_report`` computes one from the stored clock outcomes; the forms
only read these dataclasses. Durations are whole seconds of working time on the clock's
own calendar; instants are aware datetimes in UTC; shares are Decimals with four places.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from supportdesk.entitlements.figures import EntitlementFigures as EntitlementFigures
from supportdesk.reports.periods import Period, PeriodKind

# The offer's promise for every plan: 90 % of requests within SLA.
TARGET_SHARE = Decimal("0.90")


@dataclass(frozen=True, slots=True)
class ClockFigures:
    """One clock kind (reaction or resolution) over all priorities or one of them."""

    total: int  # outcomes counted in the period (the denominator)
    met: int  # the numerator
    breached: int
    share: Decimal | None  # met / total to four places; None when total is 0
    median_seconds: int | None  # over the counted outcomes' elapsed working time
    p90_seconds: int | None  # nearest rank
    max_seconds: int | None
    paused_total_seconds: int  # working time inside pauses (waiting for the customer)
    paused_median_seconds: int | None


@dataclass(frozen=True, slots=True)
class PriorityFigures:
    priority: str  # "P1".."P4"
    count: int  # requests with an outcome of either clock counted in the period
    reaction: ClockFigures
    resolution: ClockFigures


@dataclass(frozen=True, slots=True)
class PriorityStep:
    at: datetime
    from_priority: str  # "" for the priority given at registration
    to_priority: str
    reason: str


@dataclass(frozen=True, slots=True)
class Pause:
    start: datetime
    end: datetime | None  # None: still paused at the cut-off
    working_seconds: int  # working time of the clock's calendar inside the pause
    reason: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One stored clock event, as the product keeps it."""

    at: datetime
    event: str  # start | pause | resume | stop | target
    target_seconds: int | None
    calendar: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Breach:
    request_id: int
    subject: str
    clock: str  # "reaction" | "resolution"
    priority: str
    priority_history: tuple[PriorityStep, ...]
    target_seconds: int
    due_at: datetime
    stopped_at: datetime | None  # None: still running at the cut-off
    elapsed_seconds: int
    overrun_seconds: int  # elapsed - target
    pauses: tuple[Pause, ...]
    timeline: tuple[TimelineEntry, ...]


@dataclass(frozen=True, slots=True)
class Excluded:
    request_id: int
    subject: str
    reason: str


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period_start: date  # first day of the month
    requests: int  # registered in the month
    reaction_share: Decimal | None
    resolution_share: Decimal | None


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    name: str
    time_zone: str
    revision: str  # "<calendar revision>" or "<calendar revision>/<production revision>"
    holidays: tuple[tuple[date, str], ...]  # days off (not weekends) inside the period
    draft: bool  # part of the period has no official production calendar yet


@dataclass(frozen=True, slots=True)
class SlaReport:
    contract_number: str
    organization: str
    plan_code: str
    plan_title: str
    period_start: date  # first day of the month, quarter or year, in ``time_zone``
    period_end: date  # first day after the period (exclusive)
    time_zone: str  # the organization's
    calendars: tuple[CalendarInfo, ...]
    policy_versions: tuple[str, ...]  # e.g. ("8x5 v1",)
    cutoff: datetime  # data up to this instant: the period's end, or ``now`` if earlier
    generated_at: datetime
    target: Decimal  # TARGET_SHARE
    reaction: ClockFigures
    resolution: ClockFigures
    by_priority: tuple[PriorityFigures, ...]  # P1..P4, every priority present
    breaches: tuple[Breach, ...]  # ordered by due_at
    excluded: tuple[Excluded, ...]
    backlog_at_end: int  # requests open at the cut-off
    carried_over: int  # open at the period's start and still open at its end
    reopened: int  # requests reopened in the period
    reopen_rate: Decimal | None  # reopened / resolved in the period
    trend: tuple[TrendPoint, ...]  # the 12 months ending with the period's last, oldest first
    entitlements: EntitlementFigures | None = None
    period_kind: str = PeriodKind.MONTH.value  # month | quarter | year
    # When only a page of the breaches was read (the web page of a long period): how many
    # there are in all, and the position of the first one read. None: ``breaches`` is all.
    breaches_total: int | None = None
    breaches_offset: int = 0

    @property
    def breach_count(self) -> int:
        return len(self.breaches) if self.breaches_total is None else self.breaches_total

    @property
    def period(self) -> Period:
        return Period(PeriodKind(self.period_kind), self.period_start)
