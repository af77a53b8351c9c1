"""The monthly SLA quality report as plain values: what every form (JSON, web page, PDF,
spreadsheet, e-mail) renders, so all of them show the same figures.

``sla_report.build_sla_report`` computes one from the stored clock outcomes; the forms
only read these dataclasses. Durations are whole seconds of working time on the clock's
own calendar; instants are aware datetimes in UTC; shares are Decimals with four places.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

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
class EntitlementFigures:
    """Administration hours in the contract year that holds the period's last day, and the
    on-site visits of that day's quarter (``entitlements.report``)."""

    year_start: date
    year_end: date  # exclusive
    hours_available_seconds: int  # the quota, grants and purchases
    hours_used_seconds: int  # approved, as charged
    hours_left_seconds: int
    in_hours_seconds: int  # approved work inside business hours: counted 1x
    off_hours_seconds: int  # approved work outside them: counted 2x
    off_hours_charged_seconds: int
    quarter_start: date
    quarter_end: date  # exclusive
    visits_used: int
    visits_left: int


@dataclass(frozen=True, slots=True)
class SlaReport:
    contract_number: str
    organization: str
    plan_code: str
    plan_title: str
    period_start: date  # first day of the month, in ``time_zone``
    period_end: date  # first day of the next month (exclusive)
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
    trend: tuple[TrendPoint, ...]  # the last 12 periods, oldest first, this one last
    entitlements: EntitlementFigures | None = None
