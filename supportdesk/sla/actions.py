"""Every change to an SLA clock. Request actions call these; nothing else writes clocks."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime

from django.db import transaction

from supportdesk.calendars.engine import Calendars
from supportdesk.rows import insert
from supportdesk.sla.models import ClockKind, PolicyVersion, SlaClock, SlaClockEvent
from supportdesk.sla.reads import to_clock_event
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
from supportdesk.slamath.request_clocks import ClockStep

RECOMPUTE_BATCH = 1000


def _utc(moment: datetime | None) -> datetime | None:
    """The engine answers in the calendar's local time; the columns hold UTC, so a clock
    kept in memory reads as it would from the database."""
    return moment.astimezone(UTC) if moment is not None else None


def _apply_state(clock: SlaClock, state: ClockState, now: datetime, calendars: Calendars) -> None:
    calendar_ids = calendars.ids
    clock.status = state.status.value
    clock.calendar_id = calendar_ids[state.calendar] if state.calendar else None
    clock.target_seconds = int(state.target.total_seconds()) if state.target else None
    clock.elapsed_seconds = state.elapsed.total_seconds()
    clock.evaluated_at = _utc(now)
    clock.due_at = _utc(state.due_at)
    clock.warning_75_at = _utc(state.warnings.get(75))
    clock.warning_90_at = _utc(state.warnings.get(90))
    clock.breached_at = _utc(state.breached_at)
    alert = next_alert(state, clock.alerted_percent)
    clock.next_alert_at = _utc(alert[1]) if alert else None
    clock.calendar_draft = on_draft(clock, state, now, calendars)


def on_draft(clock: SlaClock, state: ClockState, now: datetime, calendars: Calendars) -> bool:
    """Whether the clock's figures rely on a year without official production-calendar
    data: its span from the start to the due instant (else to ``now``, the pause or the
    stop) touches a draft year of its calendar."""
    if state.calendar is None or clock.started_at is None:
        return False
    end = state.due_at or now
    return bool(calendars(state.calendar).draft_years_between(clock.started_at, end))


STATE_FIELDS = (
    "status", "calendar", "target_seconds", "elapsed_seconds", "evaluated_at", "due_at",
    "warning_75_at", "warning_90_at", "breached_at", "next_alert_at", "calendar_draft",
)  # fmt: skip


def _refresh(
    clock: SlaClock, events: Iterable[SlaClockEvent], now: datetime, calendars: Calendars
) -> ClockState:
    pure = [to_clock_event(event, calendars.names) for event in events]
    state = evaluate(pure, now, calendars)
    _apply_state(clock, state, now, calendars)
    return state


def _calendar_id(target: Target | None, calendars: Calendars) -> int | None:
    if target is None:
        return None
    if target.calendar not in calendars:
        raise ClockError(f"unknown calendar {target.calendar!r}")
    return calendars.ids[target.calendar]


def _append(
    clock: SlaClock,
    *,
    kind: EventKind,
    at: datetime,
    now: datetime,
    target: Target | None = None,
    reason: str = "",
    calendars: Calendars | None = None,
) -> SlaClock:
    if at > now:
        raise ClockError("a clock event cannot be in the future")
    with transaction.atomic():
        locked = SlaClock.objects.select_for_update().get(pk=clock.pk)
        events = list(locked.events.all())
        if events and at < events[-1].at:
            raise ClockError("a clock event cannot be earlier than the clock's last event")
        next_status(ClockStatus(locked.status), kind)
        calendars = calendars or Calendars()
        event = SlaClockEvent.objects.create(
            clock=locked,
            kind=kind.value,
            at=at,
            target_seconds=int(target.duration.total_seconds()) if target else None,
            calendar_id=_calendar_id(target, calendars),
            reason=reason,
        )
        _refresh(locked, [*events, event], now, calendars)
        locked.save(update_fields=STATE_FIELDS)
    return locked


def start_clocks(
    *,
    targets: Sequence[tuple[ClockKind, Target]],
    at: datetime,
    now: datetime,
    policy_version_id: int | None = None,
    reason: str = "",
    calendars: Calendars | None = None,
) -> list[SlaClock]:
    """New running clocks, one per (kind, target), started at ``at``. Their deadlines are
    derived in memory from the START event, then the clocks and their events are written
    with one INSERT each (a request's two clocks cost two statements, not fourteen)."""
    if at > now:
        raise ClockError("a clock event cannot be in the future")
    calendars = calendars or Calendars()
    clocks, events = [], []
    for kind, target in targets:
        clock = SlaClock(kind=kind, policy_version_id=policy_version_id, started_at=_utc(at))
        event = SlaClockEvent(
            kind=EventKind.START.value,
            at=at,
            target_seconds=int(target.duration.total_seconds()),
            calendar_id=_calendar_id(target, calendars),
            reason=reason,
        )
        _refresh(clock, [event], now, calendars)
        clocks.append(clock)
        events.append(event)
    # Everything that can refuse was checked above: no savepoint needed inside an action.
    with transaction.atomic(savepoint=False):
        insert(clocks)
        for clock, event in zip(clocks, events, strict=True):
            event.clock = clock
        insert(events)
    return clocks


def unstarted_clocks(
    *, kinds: Sequence[ClockKind], policy_version_id: int | None
) -> list[SlaClock]:
    """Clocks that do not run yet, with no events and no deadlines: a request outside its
    contract keeps these until a support lead accepts it (``start_unstarted_clock``)."""
    clocks = [SlaClock(kind=kind, policy_version_id=policy_version_id) for kind in kinds]
    with transaction.atomic(savepoint=False):
        SlaClock.objects.bulk_create(clocks)
    return clocks


def start_unstarted_clock(
    *,
    clock: SlaClock,
    target: Target,
    at: datetime,
    now: datetime,
    reason: str,
    calendars: Calendars | None = None,
) -> SlaClock:
    """Start a clock made by ``unstarted_clocks``: a START event at ``at``."""
    with transaction.atomic():
        started = _append(
            clock, kind=EventKind.START, at=at, now=now, target=target, reason=reason,
            calendars=calendars,
        )  # fmt: skip
        started.started_at = _utc(at)
        started.save(update_fields=["started_at"])
    return started


def start_clock(
    *,
    kind: ClockKind,
    target: Target,
    at: datetime,
    now: datetime,
    policy_version: PolicyVersion | None = None,
    reason: str = "",
) -> SlaClock:
    version_id = policy_version.pk if policy_version is not None else None
    return start_clocks(
        targets=[(kind, target)], at=at, now=now, policy_version_id=version_id, reason=reason
    )[0]


def pause_clock(*, clock: SlaClock, at: datetime, now: datetime, reason: str = "") -> SlaClock:
    return _append(clock, kind=EventKind.PAUSE, at=at, now=now, reason=reason)


def resume_clock(*, clock: SlaClock, at: datetime, now: datetime, reason: str = "") -> SlaClock:
    return _append(clock, kind=EventKind.RESUME, at=at, now=now, reason=reason)


def stop_clock(*, clock: SlaClock, at: datetime, now: datetime, reason: str = "") -> SlaClock:
    return _append(clock, kind=EventKind.STOP, at=at, now=now, reason=reason)


def change_clock_target(
    *,
    clock: SlaClock,
    target: Target,
    at: datetime,
    now: datetime,
    reason: str,
    calendars: Calendars | None = None,
) -> SlaClock:
    """New target (and calendar), measured from the original start: nothing elapsed is lost."""
    return _append(
        clock, kind=EventKind.TARGET, at=at, now=now, target=target, reason=reason,
        calendars=calendars,
    )  # fmt: skip


def recompute_open_clocks(*, calendar_ids: Collection[int], now: datetime) -> int:
    """Re-derive the deadlines of running and paused clocks on these calendars, in bulk.

    Called by the calendar actions inside their transaction after a calendar changed.
    Returns how many clocks were recomputed.
    """
    calendars = Calendars()
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


def apply_step(*, clock: SlaClock, step: ClockStep, at: datetime, now: datetime) -> SlaClock:
    """Append what ``slamath.request_clocks`` decided a request's event does to ``clock``."""
    return _append(clock, kind=step.kind, at=at, now=now, target=step.target, reason=step.reason)
