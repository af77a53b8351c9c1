"""Extended analytics (the add-on) over a set of contracts and one month.

Every figure is an aggregation in SQL with a fixed number of statements, whatever the
number of requests (time in status alone reads the period's status changes and sums them
here). Reads go through the ``reporting`` database alias when it is configured, so a
read replica can serve them. Callers pass contracts they got from ``reports.access``:
this module checks nothing and trusts the ids it is given.

Definitions (``docs/analytics.md`` says the same in prose):

- *requests*: registered in the period;
- *share within SLA*: met / counted clock outcomes whose ``counted_at`` falls in the
  period, per clock kind, grouped by the outcome's request;
- *resolved*: requests whose latest resolution (``resolved_at``) falls in the period;
- *first-contact resolution*: a resolved request whose only public reply from the vendor
  is the resolution itself (exactly one) and that was never reopened;
- *reopened*: requests moved from resolved back to open in the period; the reopen rate is
  reopened / resolved in the period;
- *backlog age*: requests open at ``now``, by age since registration;
- *time in status*: wall-clock time each request spent in each status inside the period
  (up to ``now``), from the status history;
- *priority changes*: made in the period, by the SPEC 6 rule that made them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from supportdesk.reports.database import reporting_database
from supportdesk.sla.models import RequestTypeChoices
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    Channel,
    ClockOutcome,
    Message,
    MessageKind,
    PriorityChange,
    PriorityChangeKind,
    Request,
    Status,
    StatusChange,
    localized,
)

SHARE_PLACES = Decimal("0.0001")


# -- the period ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM``; ValueError for anything else."""
        year, sep, month = text.partition("-")
        if not sep or len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
            raise ValueError(f"not a month: {text!r}")
        value = cls(int(year), int(month))
        if not 1 <= value.month <= 12 or value.year < 2000:
            raise ValueError(f"not a month: {text!r}")
        return value

    @classmethod
    def of(cls, instant: datetime, zone: ZoneInfo) -> Month:
        local = instant.astimezone(zone)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as aware instants: local midnights of the 1st and the next 1st."""
        start = datetime(self.year, self.month, 1, tzinfo=zone)
        following = self.next()
        return start, datetime(following.year, following.month, 1, tzinfo=zone)


@dataclass(frozen=True, slots=True)
class Window:
    """What a figure covers: contracts, the period's instants and the cut-off."""

    contract_ids: tuple[int, ...]
    start: datetime
    end: datetime  # exclusive
    now: datetime

    @property
    def cutoff(self) -> datetime:
        return min(self.end, self.now)


def window(contract_ids: Iterable[int], month: Month, zone: ZoneInfo, *, now: datetime) -> Window:
    start, end = month.bounds(zone)
    return Window(tuple(contract_ids), start, end, now)


# -- tables: what the pages, the charts and the CSV export all show ----------------------------


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str | Promise
    kind: str = "int"  # text | int | share | hours


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # the export's name: by_component, backlog, ...
    title: str | Promise
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    chart: tuple[str, ...] = ()  # column keys plotted against the first column

    def column(self, key: str) -> list[Any]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


def share(met: int, total: int) -> Decimal | None:
    if total == 0:
        return None
    return (Decimal(met) / Decimal(total)).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


# -- breakdowns by component, channel, request type, engineer, team ------------------------


@dataclass(frozen=True, slots=True)
class Dimension:
    name: str
    title: str | Promise
    field: str  # Request's field grouped on
    label_fields: tuple[str, ...]  # read with it to name a group
    label: Callable[[dict[str, Any]], str]


def _choice_label(choices: Any, field: str) -> Callable[[dict[str, Any]], str]:
    def label(row: dict[str, Any]) -> str:
        value = row[field]
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)

    return label


def _person(row: dict[str, Any]) -> str:
    if row["assignee"] is None:
        return str(_("(unassigned)"))
    name = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
    return name or str(row["assignee__username"])


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "component",
        _("By component"),
        "component",
        ("component__name", "component__name_en"),
        lambda row: (
            localized(row["component__name"], row["component__name_en"] or "")
            if row["component__name"]
            else str(_("(no component)"))
        ),
    ),
    Dimension("channel", _("By channel"), "channel", (), _choice_label(Channel, "channel")),
    Dimension(
        "type",
        _("By request type"),
        "request_type",
        (),
        _choice_label(RequestTypeChoices, "request_type"),
    ),
    Dimension(
        "engineer",
        _("By engineer"),
        "assignee",
        ("assignee__first_name", "assignee__last_name", "assignee__username"),
        _person,
    ),
    Dimension(
        "team",
        _("By team"),
        "team",
        ("team__name",),
        lambda row: row["team__name"] or str(_("(no team)")),
    ),
)

BREAKDOWN_COLUMNS = (
    Column("group", _("Group"), "text"),
    Column("requests", _("Requests")),
    Column("reaction_met", _("Reaction met")),
    Column("reaction_counted", _("Reaction counted")),
    Column("reaction_share", _("Reaction within SLA"), "share"),
    Column("resolution_met", _("Resolution met")),
    Column("resolution_counted", _("Resolution counted")),
    Column("resolution_share", _("Resolution within SLA"), "share"),
    Column("resolved", _("Resolved")),
    Column("fcr", _("First-contact resolutions")),
    Column("fcr_share", _("First-contact resolution rate"), "share"),
    Column("reopened", _("Reopened")),
    Column("reopen_rate", _("Reopen rate"), "share"),
)


def _scoped(model_requests: QuerySet[Request], w: Window) -> QuerySet[Request]:
    return model_requests.filter(contract_id__in=w.contract_ids).order_by()


def _reopens(db: str) -> QuerySet[StatusChange]:
    return StatusChange.objects.using(db).filter(from_status=Status.RESOLVED, to_status=Status.OPEN)


def breakdown(w: Window, dimension: Dimension) -> Table:
    """Four statements: registered, resolved (with first-contact), reopened, outcomes."""
    db = reporting_database()
    field, names = dimension.field, (dimension.field, *dimension.label_fields)
    requests = _scoped(Request.objects.using(db), w)
    groups: dict[Any, dict[str, Any]] = {}

    def group(row: dict[str, Any]) -> dict[str, Any]:
        key = row[field]
        if key not in groups:
            groups[key] = {"label": dimension.label(row), **dict.fromkeys(_COUNTERS, 0)}
        return groups[key]

    registered = requests.filter(registered_at__gte=w.start, registered_at__lt=w.end)
    for row in registered.values(*names).annotate(n=Count("pk")):
        group(row)["requests"] = row["n"]

    vendor_replies = (
        Message.objects.using(db)
        .filter(request=OuterRef("pk"), kind=MessageKind.PUBLIC, from_vendor=True)
        .order_by()
        .values("request")
        .annotate(n=Count("pk"))
        .values("n")
    )
    resolved = requests.filter(resolved_at__gte=w.start, resolved_at__lt=w.cutoff).annotate(
        vendor_replies=Coalesce(Subquery(vendor_replies, output_field=IntegerField()), 0),
        was_reopened=Exists(_reopens(db).filter(request=OuterRef("pk"))),
    )
    for row in resolved.values(*names).annotate(
        n=Count("pk"), fcr=Count("pk", filter=Q(vendor_replies=1, was_reopened=False))
    ):
        counters = group(row)
        counters["resolved"], counters["fcr"] = row["n"], row["fcr"]

    reopened = requests.filter(
        Exists(_reopens(db).filter(request=OuterRef("pk"), at__gte=w.start, at__lt=w.end))
    )
    for row in reopened.values(*names).annotate(n=Count("pk")):
        group(row)["reopened"] = row["n"]

    outcomes = ClockOutcome.objects.using(db).filter(
        contract_id__in=w.contract_ids, counted_at__gte=w.start, counted_at__lt=w.cutoff
    )
    prefixed = tuple(f"request__{name}" for name in names)
    for row in (
        outcomes.order_by()
        .values(*prefixed)
        .annotate(
            reaction=Count("pk", filter=Q(kind="reaction")),
            reaction_met=Count("pk", filter=Q(kind="reaction", met=True)),
            resolution=Count("pk", filter=Q(kind="resolution")),
            resolution_met=Count("pk", filter=Q(kind="resolution", met=True)),
        )
    ):
        counters = group({name: row[f"request__{name}"] for name in names})
        for key in ("reaction", "reaction_met", "resolution", "resolution_met"):
            counters[key] = row[key]

    ordered = sorted(groups.values(), key=lambda g: (-g["requests"], g["label"]))
    return Table(
        name=f"by_{dimension.name}",
        title=dimension.title,
        columns=BREAKDOWN_COLUMNS,
        rows=tuple(_breakdown_row(g) for g in ordered),
        chart=("requests", "resolved"),
    )


_COUNTERS = (
    "requests",
    "resolved",
    "fcr",
    "reopened",
    "reaction",
    "reaction_met",
    "resolution",
    "resolution_met",
)


def _breakdown_row(g: dict[str, Any]) -> tuple[Any, ...]:
    return (
        g["label"],
        g["requests"],
        g["reaction_met"],
        g["reaction"],
        share(g["reaction_met"], g["reaction"]),
        g["resolution_met"],
        g["resolution"],
        share(g["resolution_met"], g["resolution"]),
        g["resolved"],
        g["fcr"],
        share(g["fcr"], g["resolved"]),
        g["reopened"],
        share(g["reopened"], g["resolved"]),
    )


# -- the headline figures ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    requests: int
    reaction_counted: int
    reaction_share: Decimal | None
    resolution_counted: int
    resolution_share: Decimal | None
    resolved: int
    fcr_share: Decimal | None
    reopened: int
    reopen_rate: Decimal | None


def summarize(by_channel: Table) -> Summary:
    """Every request has exactly one channel, so the channel table adds up to the whole."""
    total: dict[str, int] = defaultdict(int)
    keys = [c.key for c in by_channel.columns]
    summed: tuple[str, ...] = ("requests", "reaction_met", "reaction_counted", "resolution_met")
    summed += ("resolution_counted", "resolved", "fcr", "reopened")
    for row in by_channel.rows:
        values = dict(zip(keys, row, strict=True))
        for key in summed:
            total[key] += values[key]
    return Summary(
        requests=total["requests"],
        reaction_counted=total["reaction_counted"],
        reaction_share=share(total["reaction_met"], total["reaction_counted"]),
        resolution_counted=total["resolution_counted"],
        resolution_share=share(total["resolution_met"], total["resolution_counted"]),
        resolved=total["resolved"],
        fcr_share=share(total["fcr"], total["resolved"]),
        reopened=total["reopened"],
        reopen_rate=share(total["reopened"], total["resolved"]),
    )


# -- backlog age -----------------------------------------------------------------------------

AGE_BUCKETS: tuple[tuple[str, str | Promise, timedelta | None], ...] = (
    ("under_1d", _("under 1 day"), timedelta(days=1)),
    ("d1_3", _("1–3 days"), timedelta(days=3)),
    ("d3_7", _("3–7 days"), timedelta(days=7)),
    ("d7_30", _("7–30 days"), timedelta(days=30)),
    ("over_30d", _("over 30 days"), None),
)


def backlog_age(w: Window) -> Table:
    """Requests open at ``now`` by priority and age since registration; one statement."""
    requests = _scoped(Request.objects.using(reporting_database()), w).filter(
        status__in=OPEN_STATUSES
    )
    counts: dict[str, Any] = {}
    younger_than = w.now
    for key, _title, age in AGE_BUCKETS:
        older = Q(registered_at__lte=younger_than)
        if age is not None:
            counts[key] = Count("pk", filter=older & Q(registered_at__gt=w.now - age))
            younger_than = w.now - age
        else:
            counts[key] = Count("pk", filter=older)
    by_priority: dict[str, dict[str, Any]] = {
        row["priority"]: dict(row) for row in requests.values("priority").annotate(**counts)
    }
    rows = []
    for priority in ("P1", "P2", "P3", "P4"):
        row: dict[str, Any] = by_priority.get(priority, {})
        values = [row.get(key, 0) for key, _title, _age in AGE_BUCKETS]
        rows.append((priority, *values, sum(values)))
    return Table(
        name="backlog",
        title=_("Backlog age (open now)"),
        columns=(
            Column("priority", _("Priority"), "text"),
            *(Column(key, title) for key, title, _age in AGE_BUCKETS),
            Column("total", _("Total")),
        ),
        rows=tuple(rows),
        chart=tuple(key for key, _title, _age in AGE_BUCKETS),
    )


# -- time in each status ----------------------------------------------------------------------

TIMED_STATUSES = (Status.NEW, Status.OPEN, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED)


def time_in_status(w: Window) -> Table:
    """Wall-clock hours requests spent in each status inside the period, up to ``now``.

    Two statements: the requests alive in the period and their status changes before its
    end; the intervals are clipped and summed here. A request is ``new`` from registration
    to its first change."""
    db = reporting_database()
    cutoff = w.cutoff
    alive = _scoped(Request.objects.using(db), w).filter(registered_at__lt=cutoff)
    alive = alive.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=w.start))
    registered = dict(alive.values_list("pk", "registered_at"))
    changes = (
        StatusChange.objects.using(db)
        .filter(request_id__in=alive.values("pk"), at__lt=cutoff)
        .order_by("request_id", "at", "pk")
        .values_list("request_id", "to_status", "at")
    )
    history: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for request_id, to_status, at in changes:
        history[request_id].append((to_status, at))
    seconds: dict[str, float] = defaultdict(float)
    requests_in: dict[str, int] = defaultdict(int)
    for request_id, registered_at in registered.items():
        steps = [(Status.NEW.value, registered_at), *history.get(request_id, [])]
        seen: set[str] = set()
        for (status, since), (_next, until) in zip(steps, [*steps[1:], ("", cutoff)], strict=True):
            overlap = (min(until, cutoff) - max(since, w.start)).total_seconds()
            if overlap > 0 and status != Status.CLOSED:
                seconds[status] += overlap
                seen.add(status)
        for status in seen:
            requests_in[status] += 1
    rows = []
    for status in TIMED_STATUSES:
        hours = Decimal(seconds[status] / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP)
        count = requests_in[status]
        mean = (
            Decimal(seconds[status] / 3600 / count).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if count
            else None
        )
        rows.append((str(status.label), count, hours, mean))
    return Table(
        name="time_in_status",
        title=_("Time in each status (wall-clock hours inside the period)"),
        columns=(
            Column("status", _("Status"), "text"),
            Column("requests", _("Requests")),
            Column("hours", _("Hours in total"), "hours"),
            Column("mean_hours", _("Mean hours per request"), "hours"),
        ),
        rows=tuple(rows),
        chart=("mean_hours",),
    )


# -- priority changes by rule -------------------------------------------------------------------

PRIORITY_RULES: tuple[tuple[str, str | Promise, Q], ...] = (
    (
        "rule1",
        _("Rule 1: registered as P4 without a detailed description"),
        Q(kind=PriorityChangeKind.INTAKE, to_priority="P4", request__is_detailed=False)
        & ~Q(request__requested_priority="P4"),
    ),
    ("rule2", _("Rule 2: raised"), Q(kind=PriorityChangeKind.RAISE)),
    (
        "rule3_up",
        _("Rule 3: corrected up"),
        Q(kind=PriorityChangeKind.CORRECT, to_priority__lt=F("from_priority")),
    ),
    (
        "rule3_down",
        _("Rule 3: corrected down"),
        Q(kind=PriorityChangeKind.CORRECT, to_priority__gt=F("from_priority")),
    ),
    (
        "rule4",
        _("Rule 4: lowered with the customer's agreement"),
        Q(kind=PriorityChangeKind.DOWNGRADE),
    ),
)


def priority_changes(w: Window) -> Table:
    """How often each SPEC 6 rule changed a priority in the period; one statement. Rule 1
    counts registrations whose asked-for priority was not P4 and that became P4."""
    changes = PriorityChange.objects.using(reporting_database()).filter(
        request__contract_id__in=w.contract_ids, at__gte=w.start, at__lt=w.cutoff
    )
    counts = changes.aggregate(
        **{key: Count("pk", filter=rule) for key, _title, rule in PRIORITY_RULES},
        **{
            f"{key}_requests": Count("request", filter=rule, distinct=True)
            for key, _t, rule in PRIORITY_RULES
        },
    )
    return Table(
        name="priority_changes",
        title=_("Priority changes by rule"),
        columns=(
            Column("rule", _("Rule"), "text"),
            Column("changes", _("Changes")),
            Column("requests", _("Requests")),
        ),
        rows=tuple(
            (str(title), counts[key], counts[f"{key}_requests"])
            for key, title, _rule in PRIORITY_RULES
        ),
        chart=("changes",),
    )


# -- everything on the page ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Analytics:
    window: Window
    summary: Summary
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)


TABLE_NAMES = (
    *(f"by_{d.name}" for d in DIMENSIONS),
    "backlog",
    "time_in_status",
    "priority_changes",
)


def analytics(w: Window) -> Analytics:
    """Every table for the window: 5 x 4 + 1 + 2 + 1 statements, whatever the volume."""
    breakdowns = tuple(breakdown(w, d) for d in DIMENSIONS)
    tables = (*breakdowns, backlog_age(w), time_in_status(w), priority_changes(w))
    return Analytics(w, summarize(breakdowns[1]), tables)
