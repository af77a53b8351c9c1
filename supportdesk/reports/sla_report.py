"""The SLA quality report of one contract over a month, a quarter or a year, computed
from the stored clock outcomes.

The counting rule (``COUNTING_RULE``, printed on every form): a clock counts in the period
in which it stopped (met or breached); a clock still running at the period's end counts
there only if it has already breached (in the period it breached); a later reopening
counts in its new period. ``tickets.ClockOutcome.counted_at`` is that instant, so a period
of any length is one indexed range over (contract, counted_at).

Everything is read through the ``reporting`` database alias (a replica by configuration),
in a fixed number of queries whatever the number of requests or the period's length. The
period's figures come from one pass over its outcomes: on PostgreSQL one grouped statement
(counts, ``percentile_disc`` medians and p90, maxima, pause totals; ``_counted_in_sql``),
elsewhere the rows read once and counted in Python (``_counted_in_python``); the two give
the same figures (tests/reports/test_period_report.py). The breached outcomes are read in
the report's order (due, request, clock), only the page shown when the caller asks for one,
and their details in four statements whatever their number.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
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
from supportdesk.reports.periods import (
    Period,
    next_month,
    parse_month,
    previous_month,
)
from supportdesk.sla.models import ClockKind, PolicyTarget, PolicyVersion, SlaClockEvent
from supportdesk.sla.outcomes import pause_spans
from supportdesk.slamath.clock import ClockEvent, EventKind
from supportdesk.slamath.hours import DayKind
from supportdesk.slamath.policy import Priority
from supportdesk.statement_settings import settings_for
from supportdesk.tickets.models import ClockOutcome, PriorityChange, Reopening, Request

TREND_PERIODS = 12
COUNTING_RULE = _(
    "A clock counts in the period in which it stopped (met or breached); a clock still "
    "running at the period's end counts there only if it has already breached (in the "
    "period it breached); a later reopening counts in its new period."
)
_PLACES = Decimal("0.0001")
MEDIAN, P90 = Decimal("0.5"), Decimal("0.9")
__all__ = ["Period", "build_sla_report", "next_month", "parse_month", "previous_month"]


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
        median_seconds=nearest_rank(elapsed, MEDIAN),
        p90_seconds=nearest_rank(elapsed, P90),
        max_seconds=max(elapsed) if elapsed else None,
        paused_total_seconds=sum(paused),
        paused_median_seconds=nearest_rank(paused, MEDIAN),
    )


ROW_FIELDS = (
    "request_id", "clock_id", "kind", "priority", "met", "elapsed_seconds", "paused_seconds",
    "target_seconds", "due_at", "stopped_at", "calendar_id", "calendar_revision",
    "policy_version_id",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Counted:
    """What the period's outcomes come to, before the details: the same from either path."""

    by_kind: dict[str, ClockFigures]  # reaction, resolution (over every priority)
    by_priority: dict[tuple[str, str], ClockFigures]  # (kind, priority)
    requests: dict[str, int]  # priority -> requests with an outcome of either clock
    resolved: int  # resolution outcomes whose clock stopped in the period
    revisions: dict[int, set[str]]  # calendar -> the revisions the outcomes were measured on
    policy_version_ids: set[int]


EMPTY = clock_figures(())


def counted_outcomes(
    outcomes: QuerySet[ClockOutcome], start: datetime, cutoff: datetime
) -> Counted:
    """The figures of ``outcomes`` (the period's, excluded requests left out): grouped in
    SQL on PostgreSQL, in Python elsewhere."""
    if connections[outcomes.db].vendor == "postgresql":
        return _counted_in_sql(outcomes, start, cutoff)
    return _counted_in_python(outcomes, start, cutoff)


def _counted_in_python(
    outcomes: QuerySet[ClockOutcome], start: datetime, cutoff: datetime
) -> Counted:
    ordered = outcomes.order_by("counted_at", "id")
    rows = [_Row(*values) for values in ordered.values_list(*ROW_FIELDS)]
    by_kind: dict[str, list[_Row]] = defaultdict(list)
    by_priority: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    requests: dict[str, set[int]] = defaultdict(set)
    revisions: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        by_kind[row.kind].append(row)
        by_priority[(row.kind, row.priority)].append(row)
        requests[row.priority].add(row.request_id)
        revisions[row.calendar_id].add(row.revision)
    return Counted(
        by_kind={kind: clock_figures(mine) for kind, mine in by_kind.items()},
        by_priority={key: clock_figures(mine) for key, mine in by_priority.items()},
        requests={priority: len(ids) for priority, ids in requests.items()},
        resolved=sum(
            1
            for row in by_kind[ClockKind.RESOLUTION]
            if row.stopped_at is not None and start <= row.stopped_at < cutoff
        ),
        revisions=dict(revisions),
        policy_version_ids={row.policy_version_id for row in rows},
    )


# The period's outcomes in two grouped passes of one statement. The first, sorted by
# (kind, priority), gives the per-priority and total figures of each clock: only these
# groups pay for the percentiles' sorts. The second hashes (priority, request) and
# (calendar, revision, policy version) in one scan, then counts them: the requests per
# priority and the calendars' revisions, with no percentile computed for them (as one
# GROUPING SETS over all four it cost 1.5x: every aggregate ran for every set). The
# percentiles are PostgreSQL's ``percentile_disc``: the first value whose position in the
# sorted group reaches fraction * n, i.e. the ceil(fraction * n)-th smallest (at least the
# first), which is ``nearest_rank`` (tests/reports/test_period_report.py compares both).
_GROUPED_SQL = """
SELECT GROUPING(kind, priority), kind, priority, NULL, NULL, NULL,
    count(*), count(*) FILTER (WHERE met),
    percentile_disc({median}) WITHIN GROUP (ORDER BY elapsed_seconds),
    percentile_disc({p90}) WITHIN GROUP (ORDER BY elapsed_seconds),
    max(elapsed_seconds), sum(paused_seconds),
    percentile_disc({median}) WITHIN GROUP (ORDER BY paused_seconds),
    count(*) FILTER (WHERE stopped_at >= %s AND stopped_at < %s)
FROM ({outcomes}) AS outcome
GROUP BY GROUPING SETS ((kind, priority), (kind))
UNION ALL
SELECT level, NULL, priority, calendar_id, calendar_revision, policy_version_id,
    count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM (
    SELECT GROUPING(priority, request_id, calendar_id, calendar_revision, policy_version_id)
        AS level, priority, calendar_id, calendar_revision, policy_version_id
    FROM ({outcomes}) AS outcome
    GROUP BY GROUPING SETS (
        (priority, request_id), (calendar_id, calendar_revision, policy_version_id)
    )
) AS sets
GROUP BY level, priority, calendar_id, calendar_revision, policy_version_id
"""
SORT_MEMORY = "64MB"
# GROUPING(...) of each set: a bit for each of its columns left out of the set.
_BY_KIND_PRIORITY, _BY_KIND, _BY_PRIORITY, _BY_CALENDAR = 0b00, 0b01, 0b00111, 0b11000


def _counted_in_sql(outcomes: QuerySet[ClockOutcome], start: datetime, cutoff: datetime) -> Counted:
    columns = (
        "request_id", "kind", "priority", "met", "elapsed_seconds", "paused_seconds",
        "stopped_at", "calendar_id", "calendar_revision", "policy_version_id",
    )  # fmt: skip
    query = outcomes.order_by().values(*columns).query
    inner, params = query.get_compiler(using=outcomes.db).as_sql()
    statement = _GROUPED_SQL.format(median=MEDIAN, p90=P90, outcomes=inner)
    by_kind: dict[str, ClockFigures] = {}
    by_priority: dict[tuple[str, str], ClockFigures] = {}
    requests: dict[str, int] = {}
    revisions: dict[int, set[str]] = defaultdict(set)
    versions: set[int] = set()
    resolved = 0
    # A year's outcomes sorted for the percentiles (about 25 MB for 160,000 rows) spill to
    # disk under PostgreSQL's default 4 MB; this statement alone may take more.
    with settings_for(outcomes.db, {"work_mem": SORT_MEMORY}) as cursor:
        cursor.execute(statement, (start, cutoff, *params, *params))
        for (
            level, kind, priority, calendar_id, revision, version_id, total, met,
            median, p90, longest, paused_total, paused_median, stopped,
        ) in cursor.fetchall():  # fmt: skip
            if level == _BY_PRIORITY:
                requests[priority] = total
                continue
            if level == _BY_CALENDAR:
                revisions[calendar_id].add(revision)
                versions.add(version_id)
                continue
            figures = ClockFigures(
                total=total,
                met=met,
                breached=total - met,
                share=share(met, total),
                median_seconds=median,
                p90_seconds=p90,
                max_seconds=longest,
                paused_total_seconds=paused_total,
                paused_median_seconds=paused_median,
            )
            if level == _BY_KIND_PRIORITY:
                by_priority[(kind, priority)] = figures
            elif level == _BY_KIND:
                by_kind[kind] = figures
                if kind == ClockKind.RESOLUTION:
                    resolved = stopped
    return Counted(by_kind, by_priority, requests, resolved, dict(revisions), versions)


def build_sla_report(
    contract: Contract,
    period: Period | date,
    *,
    now: datetime,
    using: str | None = None,
    breach_page: slice | None = None,
) -> SlaReport:
    """The report of ``contract`` for ``period`` (a ``Period``, or a date: the month it
    starts, in the organization's time zone), with the data known up to min(period end,
    ``now``). It reads through ``using``, by default the reporting database.

    ``breach_page`` (e.g. ``slice(0, 250)``): only those breaches, in the report's order,
    are read in detail; the figures still count every one. The web page of a year reads a
    page at a time; the PDF, the spreadsheet and the JSON read them all."""
    if not isinstance(period, Period):
        period = Period.month(period)
    using = using or reporting_database()
    contract = (
        Contract.objects.using(using)
        .select_related("organization", "policy_version__plan")
        .get(pk=contract.pk)
    )
    zone = ZoneInfo(contract.organization.time_zone)
    period_start, period_end = period.start, period.end
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
    counted_outcomes_of_period = outcomes.exclude(request_id__in=excluded_ids)
    counted = counted_outcomes(counted_outcomes_of_period, start, cutoff)
    counted_excluded = set(
        outcomes.filter(request_id__in=excluded_ids).values_list("request_id", flat=True)
    )
    excluded = tuple(
        Excluded(pk, subject, reason)
        for pk, subject, reason, registered_at in excluded_requests
        if start <= registered_at < cutoff or pk in counted_excluded
    )
    by_priority = tuple(
        PriorityFigures(
            priority=priority.value,
            count=counted.requests.get(priority.value, 0),
            reaction=counted.by_priority.get((ClockKind.REACTION, priority.value), EMPTY),
            resolution=counted.by_priority.get((ClockKind.RESOLUTION, priority.value), EMPTY),
        )
        for priority in Priority
    )
    reopened = _reopened(contract, excluded_ids, start, cutoff, using)
    breach_count = sum(figures.breached for figures in counted.by_kind.values())
    # Only the breaches shown are read: a year's page shows 250 of its thousands.
    breached = [
        _Row(*values)
        for values in counted_outcomes_of_period.filter(met=False)
        .order_by("due_at", "request_id", "kind", "id")[breach_page or slice(None)]
        .values_list(*ROW_FIELDS)
    ]
    return SlaReport(
        contract_number=contract.number,
        organization=contract.organization.name,
        plan_code=contract.policy_version.plan.code,
        plan_title=contract.policy_version.plan.title,
        period_start=period_start,
        period_end=period_end,
        time_zone=str(zone),
        calendars=_calendars(contract, counted.revisions, period_start, period_end, using),
        policy_versions=_policy_versions(contract, counted.policy_version_ids, using),
        cutoff=cutoff,
        generated_at=now.astimezone(UTC),
        target=TARGET_SHARE,
        reaction=counted.by_kind.get(ClockKind.REACTION, EMPTY),
        resolution=counted.by_kind.get(ClockKind.RESOLUTION, EMPTY),
        by_priority=by_priority,
        breaches=_breaches(breached, cutoff, using),
        breaches_total=None if breach_page is None else breach_count,
        breaches_offset=0 if breach_page is None else breach_page.indices(breach_count)[0],
        excluded=excluded,
        backlog_at_end=_open_at(requests, cutoff).count(),
        carried_over=_open_at(_open_at(requests, start), cutoff).count(),
        reopened=reopened,
        reopen_rate=share(reopened, counted.resolved),
        trend=_trend(contract, excluded_ids, period.last_month, zone, cutoff, using),
        period_kind=str(period.kind),
        entitlements=entitlement_figures(
            contract, (cutoff - timedelta(seconds=1)).astimezone(zone), using=using
        ),
    )


def _open_at(requests: QuerySet[Request], instant: datetime) -> QuerySet[Request]:
    """Requests registered before ``instant`` and neither resolved nor closed by then."""
    return (
        requests.filter(registered_at__lt=instant, sla_excluded_at__isnull=True)
        .exclude(resolved_at__lt=instant)
        .exclude(closed_at__lt=instant)
    )


def _reopened(
    contract: Contract, excluded_ids: Sequence[int], start: datetime, cutoff: datetime, using: str
) -> int:
    """Reopenings in the period: RESUMEs of the contract's stopped resolution clocks, as
    ``tickets.Reopening`` records them (one index range, excluded requests left out)."""
    return (
        Reopening.objects.using(using)
        .filter(contract=contract, at__gte=start, at__lt=cutoff)
        .exclude(request_id__in=excluded_ids)
        .count()
    )


def _among(model: type[Model], column: str, ids: Collection[int], using: str) -> Q | RawSQL:
    """``column IN ids``: on PostgreSQL one array parameter, since a year's thousands of
    breaches as thousands of bound parameters cost more to send than to look up."""
    if connections[using].vendor == "postgresql":
        table = connections[using].ops.quote_name(model._meta.db_table)
        quoted = connections[using].ops.quote_name(column)
        # Quoted names of our own tables; the ids are a bound parameter.
        return RawSQL(  # noqa: S611
            f"{table}.{quoted} = ANY(%s)", (list(ids),), output_field=BooleanField()
        )
    return Q(**{f"{column}__in": ids})


def _breach_order(row: _Row) -> tuple[datetime, int, str]:
    return (row.due_at, row.request_id, row.kind)


def _breaches(rows: Sequence[_Row], cutoff: datetime, using: str) -> tuple[Breach, ...]:
    """Every breach with its details, in four statements whatever their number."""
    if not rows:
        return ()
    request_ids = {row.request_id for row in rows}
    subjects = dict(
        Request.objects.using(using)
        .filter(_among(Request, "id", request_ids, using))
        .values_list("pk", "subject")
    )
    history: dict[int, list[PriorityStep]] = defaultdict(list)
    for request_id, at, from_priority, to_priority, reason in (
        PriorityChange.objects.using(using)
        .filter(_among(PriorityChange, "request_id", request_ids, using))
        .order_by("at", "id")
        .values_list("request_id", "at", "from_priority", "to_priority", "reason")
    ):
        history[request_id].append(PriorityStep(at, from_priority, to_priority, reason))
    names = dict(BusinessCalendar.objects.using(using).values_list("pk", "name"))
    events: dict[int, list[ClockEvent]] = defaultdict(list)
    for clock_id, kind, at, target, calendar_id, reason in (
        SlaClockEvent.objects.using(using)
        .filter(_among(SlaClockEvent, "clock_id", {row.clock_id for row in rows}, using))
        .order_by("at", "id")
        .values_list("clock_id", "kind", "at", "target_seconds", "calendar_id", "reason")
    ):
        events[clock_id].append(
            ClockEvent(
                kind=EventKind(kind),
                at=at,
                target=timedelta(seconds=target) if target else None,
                calendar=names[calendar_id] if calendar_id else None,
                reason=reason,
            )
        )
    calendars = Calendars(using)
    breaches = []
    for row in sorted(rows, key=_breach_order):
        pure = events[row.clock_id]
        pauses: tuple[Pause, ...] = ()
        if any(event.kind is EventKind.PAUSE for event in pure):
            pauses = tuple(
                Pause(span.start, span.end, span.working_seconds, span.reason)
                for span in pause_spans(pure, cutoff, calendars(names[row.calendar_id]))
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
                        event=event.kind.value,
                        target_seconds=int(event.target.total_seconds())
                        if event.target is not None
                        else None,
                        calendar=event.calendar,
                        reason=event.reason,
                    )
                    for event in pure
                ),
            )
        )
    return tuple(breaches)


def _calendars(
    contract: Contract, revisions: dict[int, set[str]], first: date, after: date, using: str
) -> tuple[CalendarInfo, ...]:
    """The calendars of the contract's policy and of the counted outcomes, with the
    revisions the outcomes were measured on and the days off that fell in the period."""
    revisions = defaultdict(set, revisions)
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


def _policy_versions(contract: Contract, ids: set[int], using: str) -> tuple[str, ...]:
    ids = ids or {contract.policy_version_id}
    versions = PolicyVersion.objects.using(using).filter(pk__in=ids).select_related("plan")
    return tuple(sorted(str(version) for version in versions))


def _month_of(field: str, months: Sequence[date], zone: ZoneInfo) -> Case:
    """The index in ``months`` (consecutive, oldest first) of the month that holds
    ``field``, for a row known to fall inside them: comparisons with the months' starts in
    ``zone``, cheaper per row than truncating every instant in the zone (a year's 160,000
    outcomes: 64 -> 41 ms on PostgreSQL) and the same on every database."""
    return Case(
        *(
            When(**{f"{field}__lt": _start_of(month, zone)}, then=Value(index))
            for index, month in enumerate(months[1:])
        ),
        default=Value(len(months) - 1),
        output_field=IntegerField(),
    )


def _trend(
    contract: Contract,
    excluded_ids: Sequence[int],
    last_month: date,
    zone: ZoneInfo,
    cutoff: datetime,
    using: str,
) -> tuple[TrendPoint, ...]:
    """Volume and shares of the 12 months that end with the period's last (a month's
    report: the last 12 months; a year's: its own 12 months), oldest first: one grouped
    query over the requests and one over the outcomes (covering indexes)."""
    months = [previous_month(last_month, back) for back in range(TREND_PERIODS - 1, -1, -1)]
    first = months[0]
    start = _start_of(first, zone)
    registered = {
        months[index]: count
        for index, count in Request.objects.using(using)
        .filter(contract=contract, registered_at__gte=start, registered_at__lt=cutoff)
        .filter(sla_excluded_at__isnull=True)
        .annotate(month=_month_of("registered_at", months, zone))
        .values("month")
        .annotate(count=Count("*"))
        .values_list("month", "count")
        .order_by()
    }
    counted: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0])
    for index, kind, met, count in (
        ClockOutcome.objects.using(using)
        .filter(
            contract=contract,
            counted_at__gte=start,
            counted_at__lt=cutoff,
        )
        .exclude(request_id__in=excluded_ids)
        .annotate(month=_month_of("counted_at", months, zone))
        .values("month", "kind", "met")
        .annotate(count=Count("*"))
        .values_list("month", "kind", "met", "count")
        .order_by()
    ):
        counted[(months[index], kind)][0] += count
        counted[(months[index], kind)][1] += count if met else 0

    def share_of(day: date, kind: str) -> Decimal | None:
        total, met = counted.get((day, kind), (0, 0))
        return share(met, total)

    return tuple(
        TrendPoint(
            period_start=day,
            requests=registered.get(day, 0),
            reaction_share=share_of(day, ClockKind.REACTION),
            resolution_share=share_of(day, ClockKind.RESOLUTION),
        )
        for day in months
    )
