"""The SLA sweeper: notify each warning and breach exactly once.

It reads only clocks whose ``next_alert_at`` has passed, through a partial index, so its
cost grows with what is due, not with what is open. Each batch is claimed with
``SELECT ... FOR UPDATE SKIP LOCKED``: two workers racing on PostgreSQL take disjoint
clocks, and the claim (``alerted_percent``) commits with the queued notifications.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from supportdesk.audit.record import record
from supportdesk.notifications.outbox import Event, notify_after_commit
from supportdesk.sla.models import SlaClock
from supportdesk.tickets.models import Request

BATCH = 500


def _thresholds(clock: SlaClock) -> list[tuple[int, datetime | None]]:
    return [(75, clock.warning_75_at), (90, clock.warning_90_at), (100, clock.due_at)]


def _claim(clock: SlaClock, now: datetime) -> int:
    """Move the clock past every threshold reached by ``now``; returns the highest."""
    reached = [
        p
        for p, at in _thresholds(clock)
        if at is not None and at <= now and p > clock.alerted_percent
    ]
    highest = max(reached)
    clock.alerted_percent = highest
    upcoming = [at for p, at in _thresholds(clock) if p > highest and at is not None]
    clock.next_alert_at = min(upcoming) if upcoming else None
    return highest


def sweep_sla(*, now: datetime, batch: int = BATCH) -> int:
    """One pass; returns how many clocks were alerted. Safe to run in several workers."""
    alerted = 0
    while True:
        with transaction.atomic():
            due = list(
                SlaClock.objects.select_for_update(skip_locked=True)
                .filter(next_alert_at__lte=now)
                .order_by("next_alert_at")[:batch]
            )
            if not due:
                return alerted
            percents = {clock.pk: _claim(clock, now) for clock in due}
            SlaClock.objects.bulk_update(due, ["alerted_percent", "next_alert_at"])
            ids = list(percents)
            owners = Request.objects.filter(
                Q(reaction_clock_id__in=ids) | Q(resolution_clock_id__in=ids)
            )
            for request in owners.only("pk", "reaction_clock_id", "resolution_clock_id"):
                for clock_id, kind in (
                    (request.reaction_clock_id, "reaction"),
                    (request.resolution_clock_id, "resolution"),
                ):
                    if clock_id not in percents:
                        continue
                    clock = next(c for c in due if c.pk == clock_id)
                    percent = percents[clock_id]
                    due_iso = clock.due_at.isoformat() if clock.due_at else None
                    if percent == 100:
                        record(
                            at=now,
                            actor=None,
                            action="sla.breached",
                            subject=request,
                            data={"clock": kind},
                        )
                        notify_after_commit(Event.SLA_BREACH, request.pk, clock=kind, due=due_iso)
                    else:
                        notify_after_commit(
                            Event.SLA_WARNING, request.pk, clock=kind, percent=percent, due=due_iso
                        )
            alerted += len(due)
        if len(due) < batch:
            return alerted
