"""Every change to an SLA clock. Request actions call these; nothing else writes clocks."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from django.db import transaction

from supportdesk.calendars.engine import load_calendars
from supportdesk.calendars.models import BusinessCalendar
from supportdesk.sla.models import ClockKind, PolicyVersion, SlaClock, SlaClockEvent
from supportdesk.sla.reads import to_clock_event
from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.clock import (
    ClockError,
    ClockState,
    ClockStatus,
    EventKind,
    evaluate,
    next_alert,
    next_status,
)
from supportdesk.slamath.policy import Target

RECOMPUTE_BATCH = 1000


def _apply_state(
    clock: SlaClock, state: ClockState, now: datetime, calendar_ids: dict[str, int]
) -> None:
    clock.status = state.status.value
    clock.calendar_id = calendar_ids[state.calendar] if state.calendar else None
    clock.target_seconds = int(state.target.total_seconds()) if state.target else None
    clock.elapsed_seconds = state.elapsed.total_seconds()
    clock.evaluated_at = now
    clock.due_at = state.due_at
    clock.warning_75_at = state.warnings.get(75)
    clock.warning_90_at = state.warnings.get(90)
    clock.breached_at = state.breached_at
    alert = next_alert(state, clock.alerted_percent)
    clock.next_alert_at = alert[1] if alert else None


STATE_FIELDS = (
    "status", "calendar", "target_seconds", "elapsed_seconds", "evaluated_at", "due_at",
    "warning_75_at", "warning_90_at", "breached_at", "next_alert_at",
)  # fmt: skip


class _Calendars:
    """Names and ids of all calendars plus compiled engines, loaded once per operation."""

    def __init__(self) -> None:
        rows = BusinessCalendar.objects.values_list("pk", "name")
        self.names = dict(rows)
        self.ids = {name: pk for pk, name in self.names.items()}
        self.engines: dict[str, WorkCalendar] = {}

    def __call__(self, name: str) -> WorkCalendar:
        if not self.engines:
            self.engines = load_calendars()
        return self.engines[name]


def _refresh(
    clock: SlaClock, events: Iterable[SlaClockEvent], now: datetime, calendars: _Calendars
) -> ClockState:
    pure = [to_clock_event(event, calendars.names) for event in events]
    state = evaluate(pure, now, calendars)
    _apply_state(clock, state, now, calendars.ids)
    return state


def _append(
    clock: SlaClock,
    *,
    kind: EventKind,
    at: datetime,
    now: datetime,
    target: Target | None = None,
    reason: str = "",
) -> SlaClock:
    if at > now:
        raise ClockError("a clock event cannot be in the future")
    locked = SlaClock.objects.select_for_update().get(pk=clock.pk)
    events = list(locked.events.all())
    if events and at < events[-1].at:
        raise ClockError("a clock event cannot be earlier than the clock's last event")
    next_status(ClockStatus(locked.status), kind)
    calendars = _Calendars()
    calendar_id = None
    if target is not None:
        if target.calendar not in calendars.ids:
            raise ClockError(f"unknown calendar {target.calendar!r}")
        calendar_id = calendars.ids[target.calendar]
    event = SlaClockEvent.objects.create(
        clock=locked,
        kind=kind.value,
        at=at,
        target_seconds=int(target.duration.total_seconds()) if target else None,
        calendar_id=calendar_id,
        reason=reason,
    )
    if kind is EventKind.START:
        locked.started_at = at
    _refresh(locked, [*events, event], now, calendars)
    locked.save(update_fields=[*STATE_FIELDS, "started_at"])
    return locked


def start_clock(
    *,
    kind: ClockKind,
    target: Target,
    at: datetime,
    now: datetime,
    policy_version: PolicyVersion | None = None,
    reason: str = "",
) -> SlaClock:
    with transaction.atomic():
        clock = SlaClock.objects.create(kind=kind, policy_version=policy_version)
        return _append(clock, kind=EventKind.START, at=at, now=now, target=target, reason=reason)


def pause_clock(*, clock: SlaClock, at: datetime, now: datetime, reason: str = "") -> SlaClock:
    with transaction.atomic():
        return _append(clock, kind=EventKind.PAUSE, at=at, now=now, reason=reason)


def resume_clock(*, clock: SlaClock, at: datetime, now: datetime, reason: str = "") -> SlaClock:
    with transaction.atomic():
        return _append(clock, kind=EventKind.RESUME, at=at, now=now, reason=reason)


def stop_clock(*, clock: SlaClock, at: datetime, now: datetime, reason: str = "") -> SlaClock:
    with transaction.atomic():
        return _append(clock, kind=EventKind.STOP, at=at, now=now, reason=reason)


def change_clock_target(
    *, clock: SlaClock, target: Target, at: datetime, now: datetime, reason: str
) -> SlaClock:
    """New target (and calendar), measured from the original start: nothing elapsed is lost."""
    with transaction.atomic():
        return _append(clock, kind=EventKind.TARGET, at=at, now=now, target=target, reason=reason)


def recompute_open_clocks(*, calendar_ids: Collection[int], now: datetime) -> int:
    """Re-derive the deadlines of running and paused clocks on these calendars, in bulk.

    Called by the calendar actions inside their transaction after a calendar changed.
    Returns how many clocks were recomputed.
    """
    calendars = _Calendars()
    open_clocks = (
        SlaClock.objects.filter(status__in=("running", "paused"), calendar_id__in=calendar_ids)
        .order_by("pk")
        .prefetch_related("events")
    )
    done = 0
    batch: list[SlaClock] = []
    for clock in open_clocks.iterator(chunk_size=RECOMPUTE_BATCH):
        _refresh(clock, clock.events.all(), now, calendars)
        batch.append(clock)
        if len(batch) == RECOMPUTE_BATCH:
            SlaClock.objects.bulk_update(batch, STATE_FIELDS)
            done += len(batch)
            batch = []
    SlaClock.objects.bulk_update(batch, STATE_FIELDS)
    return done + len(batch)
