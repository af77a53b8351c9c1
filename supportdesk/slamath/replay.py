"""A request's history replayed through the clocks, without a database.

The events are what happened to a request (opened, first response, waiting, the
customer's reply, priority changes, resolved, reopened, and for a bug the workaround
given and the hand-off to development); each one is applied as the live
actions apply it (``tickets.actions``), asking ``request_clocks`` what it does to the
clocks, and the clocks are evaluated by the same engine (``clock.evaluate``). Used by
``supportdesk sla replay`` and by the what-if page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from supportdesk.slamath.clock import (
    CalendarLookup,
    ClockError,
    ClockEvent,
    ClockState,
    ClockStatus,
    EventKind,
    evaluate,
    next_status,
)
from supportdesk.slamath.policy import (
    DEFAULT_BUG_CLOCK_STOP,
    BugClockStop,
    PolicyRule,
    Priority,
)
from supportdesk.slamath.request_clocks import (
    CUSTOMER_REPLIED,
    REOPENED,
    RESOLVED,
    ClockStep,
    RequestStatus,
    can_become,
    is_held,
    on_bug_milestone,
    on_first_response,
    on_priority_change,
    on_status_change,
    priority_reason,
)


class ReplayError(ValueError):
    """A history that cannot happen (the message says which event and why)."""


class Happened(StrEnum):
    OPENED = "opened"
    FIRST_RESPONSE = "first_response"
    WAITING = "waiting"
    CUSTOMER_REPLIED = "customer_replied"
    PRIORITY = "priority"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    WORKAROUND = "workaround"
    HANDED_TO_DEVELOPMENT = "handed_to_development"


@dataclass(frozen=True, slots=True)
class RequestEvent:
    kind: Happened
    at: datetime
    priority: Priority | None = None  # OPENED: the priority; PRIORITY: the new one
    reason: str = ""  # PRIORITY: why (the live actions require one)


@dataclass(frozen=True, slots=True)
class ReplayedClock:
    events: tuple[ClockEvent, ...]
    state: ClockState
    paused: timedelta  # working time of the clock's calendar inside its pauses
    stopped_at: datetime | None


@dataclass(frozen=True, slots=True)
class Replayed:
    reaction: ReplayedClock
    resolution: ReplayedClock | None  # None: the request type has no resolution target


@dataclass(slots=True)
class _Clock:
    events: list[ClockEvent] = field(default_factory=list)
    status: ClockStatus = ClockStatus.NOT_STARTED

    def last_stop_reason(self) -> str | None:
        stops = [event.reason for event in self.events if event.kind is EventKind.STOP]
        return stops[-1] if stops else None

    def append(self, step: ClockStep, at: datetime) -> None:
        self.status = next_status(self.status, step.kind)
        target = step.target
        self.events.append(
            ClockEvent(
                kind=step.kind,
                at=at,
                target=target.duration if target else None,
                calendar=target.calendar if target else None,
                reason=step.reason,
            )
        )


@dataclass(slots=True)
class _Request:
    """The part of a request the actions look at when they move its clocks."""

    rule: Callable[[Priority], PolicyRule]
    priority: Priority
    bug_clock_stop: BugClockStop = DEFAULT_BUG_CLOCK_STOP
    status: RequestStatus = RequestStatus.NEW
    workaround: bool = False
    handed_over: bool = False
    first_response: datetime | None = None
    reaction: _Clock = field(default_factory=_Clock)
    resolution: _Clock | None = None

    def start(self, at: datetime) -> None:
        rule = self.rule(self.priority)
        self.reaction.append(ClockStep(EventKind.START, "", rule.reaction), at)
        if rule.resolution is not None:
            self.resolution = _Clock()
            self.resolution.append(ClockStep(EventKind.START, "", rule.resolution), at)

    def change_status(self, to: RequestStatus, at: datetime, reason: str = "") -> None:
        """``_lifecycle.change_status``."""
        if to == self.status:
            return
        if not can_become(self.status, to):
            raise ReplayError(f"a {self.status.value} request cannot become {to.value}")
        clock = self.resolution
        status = clock.status if clock else None
        held = clock is not None and is_held(status, clock.last_stop_reason())
        step = on_status_change(to, status, reason=reason, held=held)
        if clock is not None and step is not None:
            clock.append(step, at)
        self.status = to

    def bug_milestone(self, milestone: BugClockStop, at: datetime) -> None:
        """``tickets.actions.milestones.bug_milestone``."""
        clock = self.resolution
        step = on_bug_milestone(milestone, self.bug_clock_stop, clock.status if clock else None)
        if clock is not None and step is not None:
            clock.append(step, at)

    def vendor_reply(self, at: datetime) -> None:
        """``conversation.reply`` by staff: the first one stops the reaction clock."""
        if self.first_response is None:
            step = on_first_response(self.reaction.status)
            if step is not None:
                self.reaction.append(step, at)
            self.first_response = at
        if self.status is RequestStatus.NEW:
            self.change_status(RequestStatus.OPEN, at)

    def change_priority(self, to: Priority, at: datetime, reason: str) -> None:
        """``_lifecycle.change_priority``."""
        reaction_step, resolution_step = on_priority_change(
            self.rule(to),
            reaction=self.reaction.status,
            resolution=self.resolution.status if self.resolution else None,
            reason=priority_reason(self.priority, to, reason),
        )
        if reaction_step is not None:
            self.reaction.append(reaction_step, at)
        if self.resolution is not None and resolution_step is not None:
            self.resolution.append(resolution_step, at)
        self.priority = to


def _apply(request: _Request, event: RequestEvent) -> None:
    at, status = event.at, request.status
    match event.kind:
        case Happened.OPENED:
            raise ReplayError("a request is opened once, by its first event")
        case Happened.FIRST_RESPONSE:
            if request.first_response is not None:
                raise ReplayError("the first response already happened")
            request.vendor_reply(at)
        case Happened.WAITING:
            if status is RequestStatus.WAITING:
                raise ReplayError("the request is already waiting for the customer")
            request.change_status(RequestStatus.WAITING, at)
        case Happened.CUSTOMER_REPLIED:
            if status is not RequestStatus.WAITING:
                raise ReplayError("the customer replied to a request not waiting for them")
            request.change_status(RequestStatus.OPEN, at, CUSTOMER_REPLIED)
        case Happened.PRIORITY:
            if status in (RequestStatus.RESOLVED, RequestStatus.CLOSED):
                raise ReplayError(f"the priority of a {status.value} request is final")
            if event.priority is None or event.priority == request.priority:
                raise ReplayError(f"the priority is already {request.priority}")
            request.change_priority(event.priority, at, event.reason)
        case Happened.RESOLVED:
            if status in (RequestStatus.RESOLVED, RequestStatus.CLOSED):
                raise ReplayError("the request is already resolved")
            # ``workflow.resolve``: the summary is a vendor reply, then the status moves.
            request.vendor_reply(at)
            request.change_status(RequestStatus.RESOLVED, at, RESOLVED)
        case Happened.REOPENED:
            if status is not RequestStatus.RESOLVED:
                raise ReplayError("only a resolved request can be reopened")
            request.change_status(RequestStatus.OPEN, at, REOPENED)
        case Happened.WORKAROUND:
            if status in (RequestStatus.RESOLVED, RequestStatus.CLOSED) or request.workaround:
                raise ReplayError("a workaround is given once, to an open bug")
            request.workaround = True
            request.bug_milestone(BugClockStop.WORKAROUND, at)
        case Happened.HANDED_TO_DEVELOPMENT:
            if status in (RequestStatus.RESOLVED, RequestStatus.CLOSED) or request.handed_over:
                raise ReplayError("a bug is handed to development once, while open")
            request.handed_over = True
            request.bug_milestone(BugClockStop.HANDOFF, at)


def replay(
    events: Sequence[RequestEvent],
    *,
    rule: Callable[[Priority], PolicyRule],
    calendars: CalendarLookup,
    now: datetime | None = None,
    bug_clock_stop: BugClockStop = DEFAULT_BUG_CLOCK_STOP,
) -> Replayed:
    """The request's clocks at ``now`` (default: the last event's instant) after
    ``events``; ``rule(priority)`` is the targets of the plan's policy for its type,
    ``bug_clock_stop`` the policy's milestone that stops a bug's resolution clock."""
    if not events:
        raise ReplayError("no events: the first one must be 'opened'")
    first = events[0]
    if first.kind is not Happened.OPENED or first.priority is None:
        raise ReplayError("the first event must be 'opened' with a priority")
    for number, (before, event) in enumerate(pairwise(events), start=2):
        if event.at < before.at:
            raise ReplayError(
                f"event {number} ({event.kind.value}) is earlier than event {number - 1}"
            )
    moment = now if now is not None else events[-1].at
    if moment < events[-1].at:
        raise ReplayError("'now' is earlier than the last event")
    request = _Request(rule=rule, priority=first.priority, bug_clock_stop=bug_clock_stop)
    request.start(first.at)
    for number, event in enumerate(events[1:], start=2):
        try:
            _apply(request, event)
        except (ReplayError, ClockError) as error:
            raise ReplayError(f"event {number} ({event.kind.value}): {error}") from None
    resolution = request.resolution
    return Replayed(
        reaction=_result(request.reaction, moment, calendars),
        resolution=_result(resolution, moment, calendars) if resolution else None,
    )


def _result(clock: _Clock, now: datetime, calendars: CalendarLookup) -> ReplayedClock:
    state = evaluate(clock.events, now, calendars)
    pauses: list[tuple[datetime, datetime]] = []
    paused_since: datetime | None = None
    stopped_at: datetime | None = None
    for event in clock.events:
        if event.kind is EventKind.PAUSE:
            paused_since = event.at
        elif event.kind in (EventKind.RESUME, EventKind.STOP) and paused_since is not None:
            pauses.append((paused_since, event.at))
            paused_since = None
        if event.kind is EventKind.STOP:
            stopped_at = event.at
        elif event.kind is EventKind.RESUME:
            stopped_at = None
    if paused_since is not None:
        pauses.append((paused_since, now))
    paused = timedelta(0)
    if state.calendar is not None:
        paused = calendars(state.calendar).working_time_over(pauses)
    return ReplayedClock(tuple(clock.events), state, paused, stopped_at)
