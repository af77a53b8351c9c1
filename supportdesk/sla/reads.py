"""Read helpers: clocks evaluated from their stored events."""

from __future__ import annotations

from datetime import datetime, timedelta

from supportdesk.calendars.engine import load_calendars
from supportdesk.calendars.models import BusinessCalendar
from supportdesk.sla.models import SlaClock, SlaClockEvent
from supportdesk.slamath.clock import ClockEvent, ClockState, EventKind, evaluate


def to_clock_event(event: SlaClockEvent, calendar_names: dict[int, str]) -> ClockEvent:
    """A stored event as the pure engine's event."""
    return ClockEvent(
        kind=EventKind(event.kind),
        at=event.at,
        target=timedelta(seconds=event.target_seconds) if event.target_seconds else None,
        calendar=calendar_names[event.calendar_id] if event.calendar_id else None,
        reason=event.reason,
    )


def clock_state(clock: SlaClock, *, now: datetime) -> tuple[ClockState, list[SlaClockEvent]]:
    """The clock as it stands at ``now`` (stored columns date from its last event), and
    the events that explain it."""
    events = list(clock.events.order_by("at", "id"))
    names = dict(BusinessCalendar.objects.values_list("pk", "name"))
    pure = [to_clock_event(event, names) for event in events]
    engines = load_calendars({event.calendar for event in pure if event.calendar})
    return evaluate(pure, now, engines.__getitem__), events
