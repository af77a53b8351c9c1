"""The monthly SLA quality report of one contract, computed from the stored clock outcomes.

The counting rule (``COUNTING_RULE``, printed on every form): a clock counts in the period
in which it stopped (met or breached); a clock still running at the period's end counts
there only if it has already breached (in the period it breached); a later reopening
counts in its new period. ``tickets.ClockOutcome.counted_at`` is that instant, so a period
is one indexed range over (contract, counted_at).

Everything is read through the ``reporting`` database alias (a replica by configuration),
in a fixed number of queries whatever the number of requests.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from supportdesk.calendars.engine import Calendars, official_years, revision_text
from supportdesk.calendars.models import (
    BusinessCalendar,
    CalendarException,
    DraftDay,
    ProductionDay,
)
from supportdesk.contracts.models import Contract
from supportdesk.entitlements.report import entitlement_figures
from supportdesk.reports.database import reporting_database
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
from supportdesk.sla.models import ClockKind, PolicyTarget, PolicyVersion, SlaClockEvent
from supportdesk.sla.outcomes import pause_spans
from supportdesk.sla.reads import to_clock_event
from supportdesk.slamath.clock import EventKind
from supportdesk.slamath.hours import DayKind
from supportdesk.slamath.policy import Priority
from supportdesk.tickets.models import ClockOutcome, PriorityChange, Request

TREND_PERIODS = 12
COUNTING_RULE = _(
    "A clock counts in the period in which it stopped (met or breached); a clock still "
    "running at the period's end counts there only if it has already breached (in the "
    "period it breached); a later reopening counts in its new period."
)
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_PLACES = Decimal("0.0001")


def parse_month(text: str) -> date:
    """The first day of the month written ``YYYY-MM``; ValueError otherwise."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise ValueError(f"month {text!r} is not YYYY-MM (e.g. 2026-11)")
    return date(int(match[1]), int(match[2]), 1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def previous_month(day: date, count: int = 1) -> date:
    months = day.year * 12 + day.month - 1 - count
    return date(months // 12, months % 12 + 1, 1)


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def share(met: int, total: int) -> Decimal | None:
    """met / total to four places, half up; None for an empty denominator."""
    if total == 0:
        return None
    return (Decimal(met) / Decimal(total)).quantize(_PLACES, rounding=ROUND_HALF_UP)


def nearest_rank(values: Sequence[int], fraction: Decimal) -> int | None:
    """The ceil(fraction * n)-th smallest value (at least the first); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class _Row:
    request_id: int
    clock_id: int
    kind: str
    priority: str
    met: bool
    elapsed: int
    paused: int
    target: int
    due_at: datetime
    stopped_at: datetime | None
    calendar_id: int
    revision: str
    policy_version_id: int


def clock_figures(rows: Iterable[_Row]) -> ClockFigures:
    rows = list(rows)
    met = sum(1 for row in rows if row.met)
    elapsed = [row.elapsed for row in rows]
    paused = [row.paused for row in rows]
    return ClockFigures(
        total=len(rows),
        met=met,
        breached=len(rows) - met,
        share=share(met, len(rows)),
        median_seconds=nearest_rank(elapsed, Decimal("0.5")),
        p90_seconds=nearest_rank(elapsed, Decimal("0.9")),
        max_seconds=max(elapsed) if elapsed else None,
        paused_total_seconds=sum(paused),
        paused_median_seconds=nearest_rank(paused, Decimal("0.5")),
    )


ROW_FIELDS = (
    "request_id", "clock_id", "kind", "priority", "met", "elapsed_seconds", "paused_seconds",
    "target_seconds", "due_at", "stopped_at", "calendar_id", "calendar_revision",
    "policy_version_id",
)  # fmt: skip


def build_sla_report(
    contract: Contract, period_start: date, *, now: datetime, using: str | None = None
) -> SlaReport:
    """The report of ``contract`` for the month starting ``period_start`` (a first day, in
    the organization's time zone), with the data known up to min(period end, ``now``).
    It reads through ``using``, by default the reporting database."""
    using = using or reporting_database()
    contract = (
        Contract.objects.using(using)
        .select_related("organization", "policy_version__plan")
        .get(pk=contract.pk)
    )
    zone = ZoneInfo(contract.organization.time_zone)
    period_start = period_start.replace(day=1)
    period_end = next_month(period_start)
    start, end = _start_of(period_start, zone), _start_of(period_end, zone)
    cutoff = min(end, now.astimezone(UTC))

    requests = Request.objects.using(using).filter(contract=contract)
    # The contract's excluded requests are few (a partial index finds them): their ids
    # are left out of every figure by id, so the outcome queries need no join.
    excluded_requests = list(
        requests.filter(sla_excluded_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "subject", "sla_excluded_reason", "registered_at")
    )
    excluded_ids = [pk for pk, *_ in excluded_requests]
    outcomes = ClockOutcome.objects.using(using).filter(
        contract=contract, counted_at__gte=start, counted_at__lt=cutoff
    )
    rows = [
        _Row(*values)
        for values in outcomes.exclude(request_id__in=excluded_ids)
        .order_by("counted_at", "id")
        .values_list(*ROW_FIELDS)
    ]
    counted_excluded = set(
        outcomes.filter(request_id__in=excluded_ids).values_list("request_id", flat=True)
    )
    excluded = tuple(
        Excluded(pk, subject, reason)
        for pk, subject, reason, registered_at in excluded_requests
        if start <= registered_at < cutoff or pk in counted_excluded
    )
    by_kind: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row)
    by_priority = tuple(_priority_figures(priority.value, rows) for priority in Priority)
    reopened = _reopened(requests, excluded_ids, start, cutoff)
    resolved = sum(
        1
        for row in by_kind[ClockKind.RESOLUTION]
        if row.stopped_at is not None and start <= row.stopped_at < cutoff
    )
    return SlaReport(
        contract_number=contract.number,
        organization=contract.organization.name,
        plan_code=contract.policy_version.plan.code,
        plan_title=contract.policy_version.plan.title,
        period_start=period_start,
        period_end=period_end,
        time_zone=str(zone),
        calendars=_calendars(contract, rows, period_start, period_end, using),
        policy_versions=_policy_versions(contract, rows, using),
        cutoff=cutoff,
        generated_at=now.astimezone(UTC),
        target=TARGET_SHARE,
        reaction=clock_figures(by_kind[ClockKind.REACTION]),
        resolution=clock_figures(by_kind[ClockKind.RESOLUTION]),
        by_priority=by_priority,
        breaches=_breaches([row for row in rows if not row.met], cutoff, using),
        excluded=excluded,
        backlog_at_end=_open_at(requests, cutoff).count(),
        carried_over=_open_at(_open_at(requests, start), cutoff).count(),
        reopened=reopened,
        reopen_rate=share(reopened, resolved),
        trend=_trend(contract, excluded_ids, period_start, zone, cutoff, using),
        entitlements=entitlement_figures(
            contract, (cutoff - timedelta(seconds=1)).astimezone(zone), using=using
        ),
    )


def _priority_figures(priority: str, rows: Sequence[_Row]) -> PriorityFigures:
    mine = [row for row in rows if row.priority == priority]
    return PriorityFigures(
        priority=priority,
        count=len({row.request_id for row in mine}),
        reaction=clock_figures(row for row in mine if row.kind == ClockKind.REACTION),
        resolution=clock_figures(row for row in mine if row.kind == ClockKind.RESOLUTION),
    )


def _open_at(requests: QuerySet[Request], instant: datetime) -> QuerySet[Request]:
    """Requests registered before ``instant`` and neither resolved nor closed by then."""
    return (
        requests.filter(registered_at__lt=instant, sla_excluded_at__isnull=True)
        .exclude(resolved_at__lt=instant)
        .exclude(closed_at__lt=instant)
    )


def _reopened(
    requests: QuerySet[Request], excluded_ids: Sequence[int], start: datetime, cutoff: datetime
) -> int:
    """Reopenings in the period: RESUME events of resolution clocks that follow a STOP.
    The period's resumes of every contract are read through a partial index, each then
    matched to its request by the unique resolution clock, never the other way round."""
    before = SlaClockEvent.objects.filter(
        clock_id=OuterRef("clock_id"), at__lte=OuterRef("at"), id__lt=OuterRef("id")
    ).order_by("-at", "-id")
    owned = requests.filter(resolution_clock_id=OuterRef("clock_id")).exclude(pk__in=excluded_ids)
    return (
        SlaClockEvent.objects.using(requests.db)
        .filter(kind=EventKind.RESUME, at__gte=start, at__lt=cutoff)
        .filter(Exists(owned))
        .annotate(previous=Subquery(before.values("kind")[:1]))
        .filter(previous=EventKind.STOP)
        .count()
    )


def _breaches(rows: Sequence[_Row], cutoff: datetime, using: str) -> tuple[Breach, ...]:
    if not rows:
        return ()
    request_ids = {row.request_id for row in rows}
    subjects = dict(
        Request.objects.using(using).filter(pk__in=request_ids).values_list("pk", "subject")
    )
    history: dict[int, list[PriorityStep]] = defaultdict(list)
    for change in PriorityChange.objects.using(using).filter(request_id__in=request_ids):
        history[change.request_id].append(
            PriorityStep(change.at, change.from_priority, change.to_priority, change.reason)
        )
    events: dict[int, list[SlaClockEvent]] = defaultdict(list)
    for event in SlaClockEvent.objects.using(using).filter(
        clock_id__in={row.clock_id for row in rows}
    ):
        events[event.clock_id].append(event)
    calendars = Calendars()
    names = dict(BusinessCalendar.objects.using(using).values_list("pk", "name"))
    breaches = []
    for row in sorted(rows, key=lambda row: (row.due_at, row.request_id, row.kind)):
        stored = events[row.clock_id]
        pure = [to_clock_event(event, names) for event in stored]
        calendar = calendars(names[row.calendar_id])
        pauses = tuple(
            Pause(span.start, span.end, span.working_seconds, span.reason)
            for span in pause_spans(pure, cutoff, calendar)
        )
        breaches.append(
            Breach(
                request_id=row.request_id,
                subject=subjects[row.request_id],
                clock=row.kind,
                priority=row.priority,
                priority_history=tuple(history[row.request_id]),
                target_seconds=row.target,
                due_at=row.due_at,
                stopped_at=row.stopped_at,
                elapsed_seconds=row.elapsed,
                overrun_seconds=max(0, row.elapsed - row.target),
                pauses=pauses,
                timeline=tuple(
                    TimelineEntry(
                        at=event.at,
                        event=event.kind,
                        target_seconds=event.target_seconds,
                        calendar=names[event.calendar_id] if event.calendar_id else None,
                        reason=event.reason,
                    )
                    for event in stored
                ),
            )
        )
    return tuple(breaches)


def _calendars(
    contract: Contract, rows: Sequence[_Row], first: date, after: date, using: str
) -> tuple[CalendarInfo, ...]:
    """The calendars of the contract's policy and of the counted outcomes, with the
    revisions the outcomes were measured on and the days off that fell in the period."""
    revisions: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        revisions[row.calendar_id].add(row.revision)
    targets = PolicyTarget.objects.using(using).filter(version_id=contract.policy_version_id)
    ids = set(revisions)
    for reaction, resolution in targets.values_list(
        "reaction_calendar_id", "resolution_calendar_id"
    ):
        ids.update(pk for pk in (reaction, resolution) if pk is not None)
    calendars = list(
        BusinessCalendar.objects.using(using)
        .filter(pk__in=ids)
        .select_related("production_calendar")
        .order_by("name")
    )
    days_off = _days_off(calendars, first, after, using)
    infos = []
    for calendar in calendars:
        production = calendar.production_calendar
        current = revision_text(calendar.revision, production.revision if production else None)
        # A year of the period without official production-calendar data: its days off
        # are the holidays package's draft (docs/ru-production-calendar.md).
        draft = production is not None and not {first.year, (after - timedelta(days=1)).year} <= (
            official_years(production)
        )
        infos.append(
            CalendarInfo(
                name=calendar.name,
                time_zone=calendar.time_zone,
                revision=", ".join(sorted(revisions[calendar.pk])) or current,
                holidays=days_off[calendar.pk],
                draft=draft,
            )
        )
    return tuple(infos)


def _days_off(
    calendars: Sequence[BusinessCalendar], first: date, after: date, using: str
) -> dict[int, tuple[tuple[date, str], ...]]:
    """Days off of each calendar inside the period that would otherwise be working days
    (weekends are not listed): its production calendar's, then its own exceptions."""
    production_ids = {row.production_calendar_id for row in calendars if row.production_calendar_id}
    official: dict[int, dict[date, tuple[str, str]]] = defaultdict(dict)
    for production, day, kind, note in (
        ProductionDay.objects.using(using)
        .filter(production_calendar_id__in=production_ids, day__gte=first, day__lt=after)
        .values_list("production_calendar_id", "day", "kind", "note")
    ):
        official[production][day] = (kind, note)
    # Years without official data follow the holidays package's draft, as the engine does.
    official_years_of: dict[int, set[int]] = defaultdict(set)
    for production, year in (
        ProductionDay.objects.using(using)
        .filter(
            production_calendar_id__in=production_ids,
            day__gte=date(first.year, 1, 1),
            day__lt=date(after.year + 1, 1, 1),
        )
        .values_list("production_calendar_id", "day__year")
        .order_by()
        .distinct()
    ):
        official_years_of[production].add(year)
    for production, day, kind in (
        DraftDay.objects.using(using)
        .filter(production_calendar_id__in=production_ids, day__gte=first, day__lt=after)
        .values_list("production_calendar_id", "day", "kind")
    ):
        if day.year not in official_years_of[production]:
            official[production][day] = (kind, str(_("draft")))
    own: dict[int, dict[date, tuple[str, str]]] = defaultdict(dict)
    for calendar, day, kind, note in (
        CalendarException.objects.using(using)
        .filter(calendar__in=calendars, day__gte=first, day__lt=after)
        .values_list("calendar_id", "day", "kind", "note")
    ):
        own[calendar][day] = (kind, note)
    result = {}
    for row in calendars:
        days = dict(official.get(row.production_calendar_id or 0, {}))
        days.update(own.get(row.pk, {}))
        weekly = row.weekly_hours()
        result[row.pk] = tuple(
            (day, note)
            for day, (kind, note) in sorted(days.items())
            if kind == DayKind.HOLIDAY and weekly[day.weekday()].strip()
        )
    return result


def _policy_versions(contract: Contract, rows: Sequence[_Row], using: str) -> tuple[str, ...]:
    ids = {row.policy_version_id for row in rows} or {contract.policy_version_id}
    versions = PolicyVersion.objects.using(using).filter(pk__in=ids).select_related("plan")
    return tuple(sorted(str(version) for version in versions))


def _trend(
    contract: Contract,
    excluded_ids: Sequence[int],
    period_start: date,
    zone: ZoneInfo,
    cutoff: datetime,
    using: str,
) -> tuple[TrendPoint, ...]:
    """Volume and shares of the last 12 periods, this one last: two grouped queries."""
    first = previous_month(period_start, TREND_PERIODS - 1)
    start = _start_of(first, zone)
    registered = {
        month.date() if isinstance(month, datetime) else month: count
        for month, count in Request.objects.using(using)
        .filter(contract=contract, registered_at__gte=start, registered_at__lt=cutoff)
        .filter(sla_excluded_at__isnull=True)
        .annotate(month=TruncMonth("registered_at", tzinfo=zone))
        .values("month")
        .annotate(count=Count("*"))
        .values_list("month", "count")
        .order_by()
    }
    counted: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0])
    for month, kind, met, count in (
        ClockOutcome.objects.using(using)
        .filter(
            contract=contract,
            counted_at__gte=start,
            counted_at__lt=cutoff,
        )
        .exclude(request_id__in=excluded_ids)
        .annotate(month=TruncMonth("counted_at", tzinfo=zone))
        .values("month", "kind", "met")
        .annotate(count=Count("*"))
        .values_list("month", "kind", "met", "count")
        .order_by()
    ):
        day = month.date() if isinstance(month, datetime) else month
        counted[(day, kind)][0] += count
        counted[(day, kind)][1] += count if met else 0

    def share_of(day: date, kind: str) -> Decimal | None:
        total, met = counted.get((day, kind), (0, 0))
        return share(met, total)

    points = []
    day = first
    for _period in range(TREND_PERIODS):
        points.append(
            TrendPoint(
                period_start=day,
                requests=registered.get(day, 0),
                reaction_share=share_of(day, ClockKind.REACTION),
                resolution_share=share_of(day, ClockKind.RESOLUTION),
            )
        )
        day = next_month(day)
    return tuple(points)
