"""What one episode of an SLA clock came to: target, elapsed, pauses, due, breach.

An episode runs from the clock's start, or from a resume that reopened a stopped clock,
to the next stop (or to now while it runs). Pure of requests and of the database: it
takes the clock's events as the engine's ``ClockEvent`` and a calendar lookup, so the
tickets layer's writer, the back-fill migration and the replay tests all derive an
outcome with this one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.clock import (
    CalendarLookup,
    ClockEvent,
    ClockStatus,
    EventKind,
    evaluate,
    next_status,
)


@dataclass(frozen=True, slots=True)
class PauseSpan:
    start: datetime
    end: datetime | None  # None: still paused at the evaluation instant
    working_seconds: int  # working time of the clock's calendar inside the pause
    reason: str


@dataclass(frozen=True, slots=True)
class EpisodeOutcome:
    episode_started_at: datetime  # the clock's start, or the resume that reopened it
    target_seconds: int
    calendar: str  # the calendar the clock runs on (its latest target's)
    due_at: datetime | None
    breached_at: datetime | None  # the due instant once elapsed exceeds the target
    stopped_at: datetime | None  # None while the episode runs (or is paused)
    elapsed_seconds: int  # the clock's working time from its start, whole seconds
    paused_seconds: int  # working time inside this episode's pauses

    @property
    def met(self) -> bool:
        return self.stopped_at is not None and self.breached_at is None

    @property
    def counted_at(self) -> datetime | None:
        """The instant that places the outcome in a period: a met clock where it stopped,
        a breach where it breached (or where the episode reopened it, if later); a clock
        still running within its target is not counted anywhere yet."""
        if self.breached_at is not None:
            return max(self.breached_at, self.episode_started_at)
        return self.stopped_at


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def episode_start_index(events: Sequence[ClockEvent]) -> int:
    """Index of the event that opened the last episode (START or a RESUME after STOP)."""
    status = ClockStatus.NOT_STARTED
    start = 0
    for index, event in enumerate(events):
        before = status
        status = next_status(status, event.kind)
        if event.kind is EventKind.START or (
            event.kind is EventKind.RESUME and before is ClockStatus.STOPPED
        ):
            start = index
    return start


def pause_spans(
    events: Sequence[ClockEvent], at: datetime, calendar: WorkCalendar
) -> list[PauseSpan]:
    """Every pause among ``events`` up to ``at``, with its working time on ``calendar``."""
    spans: list[PauseSpan] = []
    opened: ClockEvent | None = None
    for event in events:
        if event.at > at:
            break
        if event.kind is EventKind.PAUSE:
            opened = event
        elif opened is not None and event.kind in (EventKind.RESUME, EventKind.STOP):
            spans.append(_pause(opened, event.at, event.at, calendar))
            opened = None
    if opened is not None:
        spans.append(_pause(opened, None, at, calendar))
    return spans


def _pause(
    opened: ClockEvent, end: datetime | None, until: datetime, calendar: WorkCalendar
) -> PauseSpan:
    worked = calendar.working_seconds(opened.at.timestamp(), until.timestamp())
    return PauseSpan(opened.at.astimezone(UTC), _utc(end), round(worked), opened.reason)


def episode_outcome(
    events: Sequence[ClockEvent], at: datetime, calendars: CalendarLookup
) -> EpisodeOutcome | None:
    """The clock's last episode as it stands at ``at`` (events after ``at`` are not yet
    known); None for a clock that has not started."""
    known = [event for event in events if event.at <= at]
    state = evaluate(known, at, calendars)
    if state.status is ClockStatus.NOT_STARTED or state.target is None or not state.calendar:
        return None
    first = episode_start_index(known)
    episode = known[first:]
    calendar = calendars(state.calendar)
    stops = [event.at for event in episode if event.kind is EventKind.STOP]
    stopped_at = stops[-1] if state.status is ClockStatus.STOPPED else None
    paused = sum(span.working_seconds for span in pause_spans(episode, at, calendar))
    due_at = state.due_at
    if due_at is None and state.remaining is not None:
        # Met and stopped (or paused) short of the target: the due instant it would have
        # reached running on from its last event, as the clock showed just before.
        left = state.remaining.total_seconds()
        due_at = calendar.local(calendar.add_at(known[-1].at.timestamp(), left))
    return EpisodeOutcome(
        episode_started_at=known[first].at.astimezone(UTC),
        target_seconds=round(state.target.total_seconds()),
        calendar=state.calendar,
        due_at=_utc(due_at),
        breached_at=_utc(state.breached_at),
        stopped_at=_utc(stopped_at),
        elapsed_seconds=round(state.elapsed.total_seconds()),
        paused_seconds=paused,
    )
