"""Writing ``ClockOutcome`` rows: what each episode of a request's clock came to.

Called inside the caller's transaction by ``actions._lifecycle`` (a clock stopped, or a
reopening resumed a clock already breached) and by the sweeper (a running clock's breach,
the whole batch in one insert). Every figure comes from ``sla.outcomes.episode_outcome``
over the clock's stored events, the function the back-fill and the replay tests use too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from supportdesk.calendars.engine import Calendars
from supportdesk.sla.models import SlaClock, SlaClockEvent
from supportdesk.sla.outcomes import EpisodeOutcome, episode_outcome
from supportdesk.sla.reads import to_clock_event
from supportdesk.tickets.models import ClockOutcome, Request


@dataclass(frozen=True, slots=True)
class Owner:
    """What an outcome row copies from its request, at the time of counting."""

    request_id: int
    contract_id: int
    priority: str
    request_type: str
    policy_version_id: int

    @classmethod
    def of(cls, request: Request) -> Owner:
        return cls(
            request.pk, request.contract_id, request.priority, request.request_type,
            request.policy_version_id,
        )  # fmt: skip


def _row(
    owner: Owner,
    clock: SlaClock,
    outcome: EpisodeOutcome,
    calendars: Calendars,
    now: datetime,
) -> ClockOutcome:
    counted_at = outcome.counted_at
    if counted_at is None or outcome.due_at is None:
        raise ValueError("only a met or breached episode has an outcome row")
    return ClockOutcome(
        request_id=owner.request_id,
        contract_id=owner.contract_id,
        clock_id=clock.pk,
        kind=clock.kind,
        priority=owner.priority,
        request_type=owner.request_type,
        policy_version_id=clock.policy_version_id or owner.policy_version_id,
        calendar_id=calendars.ids[outcome.calendar],
        calendar_revision=calendars.revision(outcome.calendar),
        target_seconds=outcome.target_seconds,
        episode_started_at=outcome.episode_started_at,
        due_at=outcome.due_at,
        breached_at=outcome.breached_at,
        stopped_at=outcome.stopped_at,
        counted_at=counted_at,
        elapsed_seconds=outcome.elapsed_seconds,
        paused_seconds=outcome.paused_seconds,
        met=outcome.met,
        recorded_at=now,
    )


# The priority stays the one at the time of counting (the breach).
UPDATED_AT_STOP = (
    "calendar", "calendar_revision", "target_seconds", "due_at", "breached_at",
    "stopped_at", "counted_at", "elapsed_seconds", "paused_seconds", "met", "recorded_at",
)  # fmt: skip


def _outcome(clock: SlaClock, now: datetime, calendars: Calendars) -> EpisodeOutcome | None:
    events = [to_clock_event(event, calendars.names) for event in clock.events.all()]
    return episode_outcome(events, now, calendars)


def record_stop(request: Request, clock: SlaClock, *, now: datetime) -> ClockOutcome | None:
    """The clock just stopped: close its open row (a breach the sweeper saw while it ran)
    with the figures at the stop, or write the episode's closed row, met or breached."""
    calendars = Calendars()
    outcome = _outcome(clock, now, calendars)
    if outcome is None or outcome.stopped_at is None:
        return None
    row = _row(Owner.of(request), clock, outcome, calendars, now)
    open_row = ClockOutcome.objects.filter(clock_id=clock.pk, stopped_at__isnull=True).first()
    if open_row is None:
        row.save(force_insert=True)
        return row
    for field in UPDATED_AT_STOP:
        setattr(open_row, field, getattr(row, field))
    open_row.save(update_fields=UPDATED_AT_STOP)
    return open_row


def record_running_breach(request: Request, clock: SlaClock, *, now: datetime) -> None:
    """A breached clock that is not stopped has its open row: the sweeper writes it while
    the clock runs, but not for a clock paused before a sweep saw its breach, nor for one
    already alerted that a reopening resumed. So pausing and reopening write it here; a
    clock that has its open row (or is within target) is left as it is."""
    if clock.breached_at is None:
        return
    calendars = Calendars()
    outcome = _outcome(clock, now, calendars)
    if outcome is None or outcome.breached_at is None or outcome.stopped_at is not None:
        return
    ClockOutcome.objects.bulk_create(
        [_row(Owner.of(request), clock, outcome, calendars, now)], ignore_conflicts=True
    )


def record_breaches(
    clocks: Iterable[SlaClock], owners: Mapping[int, Owner], *, now: datetime
) -> int:
    """The sweeper's breaches of running clocks: one open row each, the batch's events
    read in one query and its rows written in one insert. A clock that already has an open
    row (a second pass, another worker) is left as it is by the partial unique constraint.
    """
    by_id = {clock.pk: clock for clock in clocks if clock.pk in owners}
    if not by_id:
        return 0
    calendars = Calendars()
    events = SlaClockEvent.objects.filter(clock_id__in=by_id).order_by("clock_id", "at", "id")
    rows = []
    for clock_id, stored in groupby(events, key=lambda event: event.clock_id):
        pure = [to_clock_event(event, calendars.names) for event in stored]
        outcome = episode_outcome(pure, now, calendars)
        if outcome is None or outcome.breached_at is None or outcome.stopped_at is not None:
            continue
        rows.append(_row(owners[clock_id], by_id[clock_id], outcome, calendars, now))
    ClockOutcome.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
