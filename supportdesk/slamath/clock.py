"""SLA clocks as a log of events, and everything derived from that log.

A clock never stores "time left": it stores what happened (start, pause, resume, stop,
target change) and derives elapsed working time, the due instant, warning instants and
breach from the events, the current target and the calendar. So a priority change can
apply the new target from the original start without losing elapsed time, and any
deadline can be recomputed and explained later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from supportdesk.slamath.calendar import WorkCalendar

WARNING_PERCENTS = (75, 90)


class ClockError(ValueError):
    """An event that cannot happen to the clock in its state (e.g. resume a running clock)."""


class EventKind(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    TARGET = "target"  # new target and calendar, e.g. after a priority change


class ClockStatus(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class ClockEvent:
    kind: EventKind
    at: datetime
    target: timedelta | None = None  # START and TARGET only
    calendar: str | None = None  # START and TARGET only
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch during which the clock ran; ``end`` is None while it still runs."""

    start: datetime
    end: datetime | None
    working: timedelta  # working time inside it, up to the evaluation instant


@dataclass(frozen=True, slots=True)
class ClockState:
    status: ClockStatus
    target: timedelta | None
    calendar: str | None
    elapsed: timedelta
    remaining: timedelta | None  # negative once breached
    due_at: datetime | None  # when elapsed reaches target (past or future); None if unknown
    warnings: dict[int, datetime | None] = field(default_factory=dict)  # percent -> instant
    breached: bool = False
    segments: tuple[Segment, ...] = ()

    @property
    def breached_at(self) -> datetime | None:
        return self.due_at if self.breached else None


type CalendarLookup = Callable[[str], WorkCalendar]


def next_status(status: ClockStatus, kind: EventKind) -> ClockStatus:
    """The status after ``kind`` happens, or ClockError when it cannot happen now."""
    allowed: dict[EventKind, tuple[set[ClockStatus], ClockStatus | None]] = {
        EventKind.START: ({ClockStatus.NOT_STARTED}, ClockStatus.RUNNING),
        EventKind.PAUSE: ({ClockStatus.RUNNING}, ClockStatus.PAUSED),
        # A reopened request resumes a stopped clock.
        EventKind.RESUME: ({ClockStatus.PAUSED, ClockStatus.STOPPED}, ClockStatus.RUNNING),
        EventKind.STOP: ({ClockStatus.RUNNING, ClockStatus.PAUSED}, ClockStatus.STOPPED),
        EventKind.TARGET: (
            {ClockStatus.RUNNING, ClockStatus.PAUSED, ClockStatus.STOPPED},
            None,
        ),
    }
    sources, result = allowed[kind]
    if status not in sources:
        raise ClockError(f"cannot {kind.value} a clock that is {status.value.replace('_', ' ')}")
    return status if result is None else result


def evaluate(events: Iterable[ClockEvent], now: datetime, calendars: CalendarLookup) -> ClockState:
    """The clock as it stands at ``now``; events after ``now`` are not yet known."""
    status = ClockStatus.NOT_STARTED
    target: timedelta | None = None
    calendar_name: str | None = None
    spans: list[tuple[datetime, datetime | None]] = []
    previous: datetime | None = None
    for event in events:
        if event.at > now:
            break
        if previous is not None and event.at < previous:
            raise ClockError("clock events must be in time order")
        previous = event.at
        status_before = status
        status = next_status(status, event.kind)
        if event.kind in (EventKind.START, EventKind.TARGET):
            if event.target is None or event.calendar is None:
                raise ClockError(f"a {event.kind.value} event needs a target and a calendar")
            if event.target <= timedelta(0):
                raise ClockError("a clock target must be positive")
            target, calendar_name = event.target, event.calendar
        if status is ClockStatus.RUNNING and status_before is not ClockStatus.RUNNING:
            spans.append((event.at, None))
        elif status_before is ClockStatus.RUNNING and status is not ClockStatus.RUNNING:
            spans[-1] = (spans[-1][0], event.at)
    if target is None or calendar_name is None:
        return ClockState(ClockStatus.NOT_STARTED, None, None, timedelta(0), None, None)
    return _measure(status, target, calendars(calendar_name), spans, now)


def _measure(
    status: ClockStatus,
    target: timedelta,
    calendar: WorkCalendar,
    spans: Sequence[tuple[datetime, datetime | None]],
    now: datetime,
) -> ClockState:
    segments = []
    elapsed = 0.0
    for start, end in spans:
        worked = calendar.working_seconds(start.timestamp(), (end or now).timestamp())
        segments.append(Segment(start, end, timedelta(seconds=worked)))
        elapsed += worked
    goal = target.total_seconds()

    def reached(seconds: float) -> datetime | None:
        # Past instants are history; while running, a future one is a forecast.
        return calendar.add_over(spans, timedelta(seconds=seconds))

    due_at = reached(goal)
    return ClockState(
        status=status,
        target=target,
        calendar=calendar.name,
        elapsed=timedelta(seconds=elapsed),
        remaining=target - timedelta(seconds=elapsed),
        due_at=due_at,
        warnings={percent: reached(goal * percent / 100) for percent in WARNING_PERCENTS},
        breached=elapsed > goal,
        segments=tuple(segments),
    )


ALERT_PERCENTS = (*WARNING_PERCENTS, 100)  # 100 is the breach


def next_alert(state: ClockState, alerted_percent: int) -> tuple[int, datetime] | None:
    """The first warning or breach not yet notified, while the clock runs.

    Its instant may already be past (a missed sweep); the caller notifies it at once.
    """
    if state.status is not ClockStatus.RUNNING:
        return None
    for percent in ALERT_PERCENTS:
        if percent <= alerted_percent:
            continue
        instant = state.due_at if percent == 100 else state.warnings.get(percent)
        if instant is not None:
            return percent, instant
    return None
