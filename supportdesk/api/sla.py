"""Read helper: a request's SLA clocks evaluated fresh at ``now`` from their events.

The stored clock columns are derived at the last event; this evaluates the same events
with ``slamath.clock.evaluate`` at the moment of the call, so elapsed and remaining time
are current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from supportdesk.calendars.models import BusinessCalendar
from supportdesk.sla.models import SlaClock, SlaClockEvent
from supportdesk.sla.reads import clock_state
from supportdesk.slamath.clock import ClockState
from supportdesk.tickets.models import Request


@dataclass(frozen=True)
class ClockReport:
    kind: str
    state: ClockState
    events: list[SlaClockEvent]
    calendar_names: dict[int, str]


def clock_report(clock: SlaClock, *, now: datetime) -> ClockReport:
    state, events = clock_state(clock, now=now)
    names = dict(BusinessCalendar.objects.values_list("pk", "name"))
    return ClockReport(kind=clock.kind, state=state, events=events, calendar_names=names)


def request_clocks(request: Request, *, now: datetime) -> list[ClockReport]:
    """The reaction clock, then the resolution clock when the request type has one."""
    ids = [pk for pk in (request.reaction_clock_id, request.resolution_clock_id) if pk]
    clocks = SlaClock.objects.in_bulk(ids)
    return [clock_report(clocks[pk], now=now) for pk in ids]
