"""Read helper: what one organization's requests of a period would have looked like on
each plan (the what-if page). Every request is replayed from its stored history through
``slamath.replay``, the engine and rules of live requests, under each plan's policy.

The history of a request, as stored: registered at (and the priority at registration),
the first response, the resolution clock's pause, resume and stop events (waiting, the
customer's reply, resolved, reopened) and the priority changes. Under the request's own
plan its own policy version applies (so the what-if equals its live clocks); under another
plan, that plan's version in force at registration.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet

from supportdesk.calendars.engine import Calendars
from supportdesk.customers.models import Organization
from supportdesk.sla.models import Plan, PolicyVersion, SlaClockEvent
from supportdesk.sla.policies import policy_of
from supportdesk.slamath.clock import ClockStatus, EventKind
from supportdesk.slamath.policy import PlanPolicy, PolicyRule, Priority, RequestType
from supportdesk.slamath.replay import (
    Happened,
    Replayed,
    ReplayedClock,
    ReplayError,
    RequestEvent,
    replay,
)
from supportdesk.slamath.request_clocks import HANDED_TO_DEVELOPMENT, WORKAROUND_GIVEN
from supportdesk.staff.models import StaffRole
from supportdesk.staff.permissions import Capability, may
from supportdesk.tickets.access import ActionDenied, NotFound, is_lead, staff_member
from supportdesk.tickets.models import OutOfContract, PriorityChange, PriorityChangeKind, Request

PLANS = ("8x5", "24x7", "premium")


# -- who may ask ---------------------------------------------------------------------------


def month_start(day: date, shift: int = 0) -> date:
    """The first day of ``day``'s month, moved by ``shift`` months."""
    months = day.year * 12 + day.month - 1 + shift
    return date(months // 12, months % 12 + 1, 1)


def last_full_months(today: date, count: int = 12) -> tuple[date, date]:
    """The first day of the first and of the last of the ``count`` months before today's."""
    return month_start(today, -count), month_start(today, -1)


def full_months_before(today: date, zone: ZoneInfo, count: int = 12) -> tuple[datetime, datetime]:
    """``[start, end)`` of the ``count`` full months before ``today``'s, from midnight of
    the first one's first day to midnight of the first day of ``today``'s month in ``zone``."""
    first, _last = last_full_months(today, count)
    return datetime.combine(first, time(), zone), datetime.combine(month_start(today), time(), zone)


def what_if_organizations(user: User) -> QuerySet[Organization]:
    """The organizations ``user`` may look at: all for a support lead, those whose
    contract names them personal manager for a manager; anyone else is refused."""
    member = staff_member(user) if user.is_active else None
    if member is None:
        raise NotFound("no such page")
    if is_lead(user):
        return Organization.objects.order_by("name")
    if member.role != StaffRole.MANAGER:
        raise ActionDenied("the what-if is for support leads and personal managers")
    return Organization.objects.filter(contracts__personal_manager=user).distinct().order_by("name")


def get_what_if_organization(user: User, organization_id: int) -> Organization:
    organization = what_if_organizations(user).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound("no such organization")
    return organization


# -- the figures ---------------------------------------------------------------------------


@dataclass(slots=True)
class Share:
    """One clock over the requests: a stopped clock counts, met or breached; a clock still
    running (or paused) counts only once it has breached."""

    met: int = 0
    breached: int = 0

    @property
    def total(self) -> int:
        return self.met + self.breached

    @property
    def share(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.met) / Decimal(self.total)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )

    def count(self, clock: ReplayedClock | None) -> None:
        if clock is None:
            return
        if clock.state.breached:
            self.breached += 1
        elif clock.state.status is ClockStatus.STOPPED:
            self.met += 1


@dataclass(slots=True)
class PlanOutcome:
    plan: str
    title: str
    requests: int = 0
    actual: int = 0  # of these requests, how many are on this plan today
    reaction: Share = field(default_factory=Share)
    resolution: Share = field(default_factory=Share)

    @property
    def breaches(self) -> int:
        return self.reaction.breached + self.resolution.breached


@dataclass(frozen=True, slots=True)
class WhatIf:
    organization: Organization
    start: datetime
    end: datetime
    now: datetime
    plans: tuple[PlanOutcome, ...]
    not_replayed: tuple[int, ...]  # requests whose stored history cannot be replayed


# A bug's resolution clock stopped by a milestone (``request_clocks.on_bug_milestone``).
_MILESTONES = {
    WORKAROUND_GIVEN: Happened.WORKAROUND,
    HANDED_TO_DEVELOPMENT: Happened.HANDED_TO_DEVELOPMENT,
}


def history(request: Request) -> list[RequestEvent]:
    """The request's stored history as replay events (prefetched: no query)."""
    changes = list(request.priority_changes.all())
    intake = next((c for c in changes if c.kind == PriorityChangeKind.INTAKE), None)
    later = [c for c in changes if c.kind != PriorityChangeKind.INTAKE]
    if intake is not None:
        first_priority = intake.to_priority
    else:
        first_priority = later[0].from_priority if later else request.priority
    opened_at = request.registered_at
    accepted_at = request.out_of_contract_decided_at
    if request.out_of_contract == OutOfContract.ACCEPTED and accepted_at is not None:
        # Outside the contract: the clocks started when a lead accepted it, at the
        # priority it had then.
        opened_at = accepted_at
        before = [c for c in changes if c.at <= accepted_at]
        later = [c for c in later if c.at > accepted_at]
        first_priority = before[-1].to_priority if before else first_priority
    events = [RequestEvent(Happened.OPENED, opened_at, Priority(first_priority))]
    pending = [
        RequestEvent(Happened.PRIORITY, c.at, Priority(c.to_priority), c.reason) for c in later
    ]
    if request.first_response_at is not None:
        pending.append(RequestEvent(Happened.FIRST_RESPONSE, request.first_response_at))
    pending.sort(key=lambda event: event.at)  # stable: the rows' own order on ties
    clock = request.resolution_clock
    stored: Iterable[SlaClockEvent] = clock.events.all() if clock is not None else ()
    status = ClockStatus.NOT_STARTED
    for event in stored:
        kind = EventKind(event.kind)
        if kind is EventKind.RESUME:
            happened = (
                Happened.CUSTOMER_REPLIED if status is ClockStatus.PAUSED else Happened.REOPENED
            )
            status = ClockStatus.RUNNING
        elif kind is EventKind.PAUSE:
            happened, status = Happened.WAITING, ClockStatus.PAUSED
        elif kind is EventKind.STOP:
            happened = _MILESTONES.get(event.reason, Happened.RESOLVED)
            status = ClockStatus.STOPPED
        else:  # START and TARGET come from the registration and the priority changes
            status = ClockStatus.RUNNING if kind is EventKind.START else status
            continue
        # What happened before this event goes first; at the same instant, before a stop
        # (a priority is final once resolved, a resolution is a first response) and after
        # anything else (a reopened request takes a priority change).
        while pending and (
            pending[0].at < event.at
            or (pending[0].at == event.at and happened is Happened.RESOLVED)
        ):
            events.append(pending.pop(0))
        events.append(RequestEvent(happened, event.at))
    events.extend(pending)
    return events


def _requests(organization: Organization, start: datetime, end: datetime) -> QuerySet[Request]:
    return (
        Request.objects.filter(
            organization=organization, registered_at__gte=start, registered_at__lt=end
        )
        # Outside the contract and not accepted: no clock ever ran, nothing to replay.
        .exclude(out_of_contract__in=(OutOfContract.PENDING, OutOfContract.DECLINED))
        .select_related("policy_version__plan", "resolution_clock")
        .prefetch_related(
            Prefetch("priority_changes", PriorityChange.objects.order_by("at", "pk")),
            Prefetch("resolution_clock__events", SlaClockEvent.objects.order_by("at", "pk")),
        )
        .order_by("registered_at", "pk")
    )


class _Policies:
    """Each plan's version in force at an instant, and any version's matrix, read once."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.versions: dict[str, list[tuple[datetime, int]]] = {}
        rows = PolicyVersion.objects.filter(plan__code__in=PLANS, effective_from__lte=now)
        for code, effective_from, pk in rows.values_list(
            "plan__code", "effective_from", "pk"
        ).order_by("effective_from", "number"):
            self.versions.setdefault(code, []).append((effective_from, pk))
        self.titles = dict(Plan.objects.filter(code__in=PLANS).values_list("code", "title"))

    def in_force(self, plan: str, at: datetime) -> PlanPolicy | None:
        versions = self.versions.get(plan, [])
        index = bisect_right([effective for effective, _ in versions], at)
        return policy_of(versions[index - 1][1], now=self.now) if index else None


def _policy_for(
    request: Request, plan: str, own_plan: str, policies: _Policies
) -> PlanPolicy | None:
    if plan == own_plan:
        return policy_of(request.policy_version_id, now=policies.now)
    return policies.in_force(plan, request.registered_at)


def _replay(
    events: list[RequestEvent],
    policy: PlanPolicy,
    request_type: RequestType,
    calendars: Calendars,
    now: datetime,
) -> Replayed:
    def rule(priority: Priority) -> PolicyRule:
        return policy.rule(request_type, priority)

    return replay(
        events, rule=rule, calendars=calendars, now=now, bug_clock_stop=policy.bug_clock_stop
    )


def _replayed(
    organization: Organization,
    start: datetime,
    end: datetime,
    policies: _Policies,
    plans_of: Callable[[str], Iterable[str]],
    failed: list[int],
) -> Iterator[tuple[str, dict[str, Replayed]]]:
    """Each request of ``organization`` registered in ``[start, end)``: its own plan and
    its replays on ``plans_of(own plan)`` (a plan with no version in force at its
    registration left out; its own plan on its own version). A request whose history
    cannot be replayed is added to ``failed`` instead."""
    calendars = Calendars()
    for request in _requests(organization, start, end):
        own_plan = request.policy_version.plan.code
        events = history(request)
        request_type = RequestType(request.request_type)
        try:
            replays = {
                code: _replay(events, policy, request_type, calendars, policies.now)
                for code in plans_of(own_plan)
                if (policy := _policy_for(request, code, own_plan, policies)) is not None
            }
        except ReplayError:
            failed.append(request.pk)
            continue
        yield own_plan, replays


def what_if(
    user: User, organization_id: int, *, start: datetime, end: datetime, now: datetime
) -> WhatIf:
    """Every request of the organization registered in ``[start, end)``, replayed at
    ``now`` under each plan; counted as the SLA report counts (see ``Share``)."""
    organization = get_what_if_organization(user, organization_id)
    policies = _Policies(now)
    outcomes = {code: PlanOutcome(code, policies.titles.get(code, code)) for code in PLANS}
    failed: list[int] = []
    for own_plan, replays in _replayed(organization, start, end, policies, lambda _: PLANS, failed):
        for code, result in replays.items():
            outcome = outcomes[code]
            outcome.requests += 1
            outcome.actual += own_plan == code
            outcome.reaction.count(result.reaction)
            outcome.resolution.count(result.resolution)
    return WhatIf(
        organization=organization,
        start=start,
        end=end,
        now=now,
        plans=tuple(outcomes.values()),
        not_replayed=tuple(failed),
    )


# -- one plan against the actual clocks (the quote page) -----------------------------------


@dataclass(frozen=True, slots=True)
class PlanAgainstActual:
    """One organization's requests of a period: as their clocks ran (each under its own
    policy version: the live clocks) and replayed on ``plan``."""

    organization: Organization
    plan: str
    title: str
    start: datetime
    end: datetime
    requests: int
    actual_reaction: Share
    actual_resolution: Share
    reaction: Share
    resolution: Share
    not_replayed: tuple[int, ...]


def may_compare_plans(user: User) -> bool:
    """Who prices quotes (``MANAGE_QUOTES``) may compare any organization's history with
    the quoted plan: every staff member sees every organization's requests anyway."""
    return user.is_active and may(user, Capability.MANAGE_QUOTES)


def plan_against_actual(
    user: User,
    organization: Organization,
    plan: str,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
) -> PlanAgainstActual:
    """The requests registered in ``[start, end)`` replayed at ``now`` on ``plan`` (its
    version in force at each registration; a request already on ``plan`` keeps its own
    version) next to their actual clocks; counted as the SLA report counts. At most two
    replays a request, one when the request is on ``plan`` already."""
    if not may_compare_plans(user):
        raise ActionDenied("the comparison is for those who price quotes")
    policies = _Policies(now)
    actual_reaction, actual_resolution, reaction, resolution = Share(), Share(), Share(), Share()
    requests = 0
    failed: list[int] = []
    for own_plan, replays in _replayed(
        organization, start, end, policies, lambda own: {own, plan}, failed
    ):
        requests += 1
        actual = replays[own_plan]  # the request's own version: always there
        actual_reaction.count(actual.reaction)
        actual_resolution.count(actual.resolution)
        if (on_plan := replays.get(plan)) is not None:
            reaction.count(on_plan.reaction)
            resolution.count(on_plan.resolution)
    return PlanAgainstActual(
        organization=organization, plan=plan, title=policies.titles.get(plan, plan),
        start=start, end=end, requests=requests,
        actual_reaction=actual_reaction, actual_resolution=actual_resolution,
        reaction=reaction, resolution=resolution, not_replayed=tuple(failed),
    )  # fmt: skip
