"""The agent's queues: tabs, filters, urgency order with keyset pagination, countdowns.

Every queue lists the requests whose resolution clock runs by its ``due_at`` (then
primary key), then the others (paused, stopped, no resolution target) by primary key,
and pages by keyset on (due_at, pk), so page N costs what page 1 costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from supportdesk.calendars.engine import get_calendar, load_calendars
from supportdesk.calendars.plain_reads import UnknownCalendar
from supportdesk.search.reads import NOTHING, Mark
from supportdesk.sla.models import SlaClock
from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.staff.models import Team
from supportdesk.tickets.access import require_staff
from supportdesk.tickets.models import OPEN_STATUSES, Request, Status
from supportdesk.web.display import duration_text, hours_text

PAGE_SIZE = 50
SOON = timedelta(hours=1)

TABS = (
    ("mine", _("Mine")),
    ("team", _("My teams")),
    ("unassigned", _("Unassigned")),
    ("breaching", _("Breaching soon")),
    ("waiting", _("Waiting for customer")),
    ("all", _("All open")),
)
TAB_CODES = frozenset(code for code, _label in TABS)


def tab_condition(user: User, tab: str, *, now: datetime) -> Q:
    """Which requests (among the open ones, or those of the filtered status) a tab holds."""
    if tab == "mine":
        return Q(assignee=user)
    if tab == "team":
        return Q(
            team_id__in=list(Team.objects.filter(members__user=user).values_list("pk", flat=True))
        )
    if tab == "unassigned":
        return Q(assignee__isnull=True)
    if tab == "breaching":
        soon = Q(resolution_clock__warning_75_at__lte=now) | Q(
            resolution_clock__due_at__lte=now + SOON
        )
        return Q(resolution_clock__status="running") & soon
    if tab == "waiting":
        return Q(status=Status.WAITING)
    return Q()


def base_queryset(user: User, *, status: str = "") -> QuerySet[Request]:
    """What every tab starts from: the open requests, or those in ``status``."""
    require_staff(user)
    requests = Request.objects.all()
    return requests.filter(status=status) if status else requests.filter(status__in=OPEN_STATUSES)


def tab_queryset(user: User, tab: str, *, now: datetime, status: str = "") -> QuerySet[Request]:
    """The tab's requests, not yet ordered: the open ones, or those in ``status``."""
    return base_queryset(user, status=status).filter(tab_condition(user, tab, now=now))


# Above this a tab shows "1000+": counting every open request of a large desk read all of
# them on each page (0.9 s at a million requests); each tab's count stops at the cap instead.
COUNT_CAP = 1000


def tab_counts(user: User, requests: QuerySet[Request], *, now: datetime) -> dict[str, int]:
    """How many of ``requests`` (the base and the filters) each tab holds, up to
    ``COUNT_CAP + 1`` (a value above the cap means "more than the cap"): one small
    statement per tab, each stopping at the cap through its own index."""
    return {
        code: requests.filter(tab_condition(user, code, now=now))
        .order_by()[: COUNT_CAP + 1]
        .count()
        for code in TAB_CODES
    }


RELATED = (
    "organization",
    "assignee",
    "team",
    "reaction_clock__calendar",
    "resolution_clock__calendar",
)
NOT_RUNNING = (
    Q(resolution_clock__isnull=True)
    | Q(resolution_clock__status__in=("not_started", "paused", "stopped"))
) & ~Q(reaction_clock__status="running")


@dataclass(frozen=True, slots=True)
class Cursor:
    """The last row shown: its urgency (the earliest due instant among its running
    clocks; None for a row of the second part, with no clock running) and its primary
    key."""

    due_at: datetime | None
    pk: int

    def encode(self) -> str:
        return f"{self.due_at.isoformat() if self.due_at else '-'},{self.pk}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        due_text, _sep, pk_text = text.rpartition(",")
        if not pk_text.isdigit() or not due_text:
            return None
        if due_text == "-":
            return cls(None, int(pk_text))
        try:
            due_at = parse_datetime(due_text)
        except ValueError:
            return None
        if due_at is None or due_at.tzinfo is None:
            return None
        return cls(due_at, int(pk_text))


def _after(clock: str, cursor: Cursor) -> Q:
    """The clock's due instant comes after the cursor in (due, pk) order."""
    return Q(**{f"{clock}__due_at__gt": cursor.due_at}) | Q(
        **{f"{clock}__due_at": cursor.due_at, "pk__gt": cursor.pk}
    )


def _not_running_or_after(clock: str, cursor: Cursor) -> Q:
    return ~Q(**{f"{clock}__status": "running"}) | _after(clock, cursor)


def clock_part(requests: QuerySet[Request], clock: str, cursor: Cursor | None) -> QuerySet[Request]:
    """Requests whose ``clock`` (``reaction_clock`` or ``resolution_clock``) runs, by its
    (due_at, pk): read through the clocks' partial index on ``due_at`` and joined by the
    unique clock key. After a cursor, a row whose other clock already put it on an
    earlier page is left out."""
    other = "resolution_clock" if clock == "reaction_clock" else "reaction_clock"
    # The kind is implied by the join, but stated it lets the read walk the running clocks
    # of that kind alone (index (kind, due_at)): walking every running clock for the few
    # reaction clocks of one agent's requests read 226,000 index entries at a million.
    kind = "reaction" if clock == "reaction_clock" else "resolution"
    part = requests.filter(
        **{f"{clock}__status": "running", f"{clock}__kind": kind, f"{clock}__due_at__isnull": False}
    )
    if cursor is not None and cursor.due_at is not None:
        part = part.filter(_after(clock, cursor)).filter(_not_running_or_after(other, cursor))
    return part.select_related(*RELATED).defer("description").order_by(f"{clock}__due_at", "pk")


def running_part(requests: QuerySet[Request], cursor: Cursor | None, size: int) -> list[Request]:
    """The first ``size`` requests with a running clock by urgency: the earliest due
    instant of their running clocks (a new P1 whose reaction is due in 55 minutes comes
    before a request whose resolution is due in two hours). Two sorted reads, one per
    clock, merged: a request first appears in the merge at its earlier clock, so the
    first ``size`` of each read are enough."""
    reaction = list(clock_part(requests, "reaction_clock", cursor)[:size])
    resolution = list(clock_part(requests, "resolution_clock", cursor)[:size])
    merged = sorted(
        [(urgency(r), r.pk, r) for r in reaction] + [(urgency(r), r.pk, r) for r in resolution],
        key=lambda item: (item[0], item[1]),
    )
    rows: list[Request] = []
    seen: set[int] = set()
    for _due, pk, request in merged:
        if pk not in seen:
            seen.add(pk)
            rows.append(request)
    return rows[:size]


def urgency(request: Request) -> datetime:
    """The earliest due instant among the request's running clocks."""
    dues = [
        clock.due_at
        for clock in (request.reaction_clock, request.resolution_clock)
        if clock is not None and clock.status == "running" and clock.due_at is not None
    ]
    return min(dues)


def rest_part(requests: QuerySet[Request], cursor: Cursor | None) -> QuerySet[Request]:
    """The others (no clock running: paused, stopped, no resolution target), oldest first."""
    part = requests.filter(NOT_RUNNING)
    if cursor is not None and cursor.due_at is None:
        part = part.filter(pk__gt=cursor.pk)
    return part.select_related(*RELATED).defer("description").order_by("pk")


def page(
    requests: QuerySet[Request], cursor: Cursor | None, size: int | None = None
) -> tuple[list[Request], Cursor | None]:
    """One page in SLA-urgency order and the cursor of the next one (None on the last):
    requests with a running clock by their earliest due instant first, then the rest;
    keyset on both parts."""
    size = size or PAGE_SIZE
    rows: list[Request] = []
    if cursor is None or cursor.due_at is not None:
        rows = running_part(requests, cursor, size + 1)
    if len(rows) <= size:
        rest_cursor = cursor if cursor is not None and cursor.due_at is None else None
        rows += list(rest_part(requests, rest_cursor)[: size + 1 - len(rows)])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    running = any(
        clock is not None and clock.status == "running" and clock.due_at is not None
        for clock in (last.reaction_clock, last.resolution_clock)
    )
    return rows, Cursor(urgency(last) if running else None, last.pk)


# -- countdowns ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Countdown:
    state: str  # running, paused, stopped, breached, none
    css: str  # "", "warning", "breached", "paused"
    remaining: timedelta | None  # working time left; negative once overdue
    due_at: datetime | None

    @property
    def text(self) -> str:
        if self.remaining is None:
            return ""
        return format_duration(self.remaining)


# One formatter for every page (``web.display``): "0 ч 55 мин" / "0 h 55 min".
format_duration = duration_text
format_hours = hours_text


class Calendars:
    """Compiled calendars for one render, loaded in one query and each compiled once."""

    def __init__(self, names: set[str] | None = None) -> None:
        self._seen: dict[str, WorkCalendar | None] = {}
        if names:
            self._seen.update(load_calendars(names))

    def get(self, name: str) -> WorkCalendar | None:
        if name not in self._seen:
            try:
                self._seen[name] = get_calendar(name)
            except UnknownCalendar:
                self._seen[name] = None
        return self._seen[name]


def countdown(clock: SlaClock | None, *, now: datetime, calendars: Calendars) -> Countdown:
    """Remaining working time of a clock from its stored columns."""
    if clock is None or clock.status == "not_started":  # outside the contract, undecided
        return Countdown("none", "", None, None)
    if clock.status == "stopped":
        breached = clock.breached_at is not None
        return Countdown("stopped", "breached" if breached else "", None, clock.due_at)
    if clock.status == "paused":
        remaining = None
        if clock.target_seconds is not None:
            remaining = timedelta(seconds=clock.target_seconds - clock.elapsed_seconds)
        return Countdown("paused", "paused", remaining, None)
    if clock.status != "running" or clock.due_at is None:
        return Countdown(str(clock.status), "", None, clock.due_at)
    calendar = calendars.get(clock.calendar.name) if clock.calendar is not None else None
    if clock.due_at <= now:
        late = calendar.working_time(clock.due_at, now) if calendar else now - clock.due_at
        return Countdown("breached", "breached", -late, clock.due_at)
    left = calendar.working_time(now, clock.due_at) if calendar else clock.due_at - now
    warned = clock.warning_75_at is not None and clock.warning_75_at <= now
    return Countdown("running", "warning" if warned else "", left, clock.due_at)


@dataclass(frozen=True, slots=True)
class Row:
    request: Request
    reaction: Countdown
    resolution: Countdown
    mark: Mark = NOTHING  # changed since the agent last looked


def rows_for(requests: list[Request], *, now: datetime) -> list[Row]:
    names = {
        clock.calendar.name
        for request in requests
        for clock in (request.reaction_clock, request.resolution_clock)
        if clock is not None and clock.calendar is not None
    }
    calendars = Calendars(names)
    return [
        Row(
            request,
            countdown(request.reaction_clock, now=now, calendars=calendars),
            countdown(request.resolution_clock, now=now, calendars=calendars),
        )
        for request in requests
    ]
